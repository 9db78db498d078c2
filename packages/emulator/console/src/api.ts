import { AdminApiError, AdminClient } from '../../src/admin/client.js';
import { h } from './dom.js';

/**
 * The admin API client the emulator ships, pointed at this page's own origin: every call the console
 * makes is an ordinary same-origin admin API call, which is all the console can do.
 */
export const admin = new AdminClient('');

/** Shows a short message at the bottom of the window. */
export function toast(message: string, tone: 'ok' | 'bad' = 'ok'): void {
  const host = document.getElementById('toasts');
  if (!host) return;
  const item = h('div', { class: `toast ${tone}`, role: tone === 'bad' ? 'alert' : 'status' }, message);
  host.appendChild(item);
  setTimeout(() => item.remove(), tone === 'bad' ? 8000 : 3500);
}

/** The message of an admin API failure (Google's envelope) or any other error. */
export function messageOf(error: unknown): string {
  if (error instanceof AdminApiError) return `${error.httpStatus}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs an action from a button: reports success or the admin API's error. */
export async function act<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    const result = await run();
    toast(what);
    return result;
  } catch (error) {
    toast(messageOf(error), 'bad');
    return undefined;
  }
}

/** Shows the virtual clock in the top bar. */
export async function refreshClock(known?: { now: string; frozen: boolean }): Promise<void> {
  const el = document.getElementById('clock');
  if (!el) return;
  try {
    const clock = known ?? (await admin.clock());
    el.textContent = `${clock.now.slice(0, 10)} ${clock.now.slice(11, 19)} UTC${clock.frozen ? ' · frozen' : ''}`;
    el.title = `Virtual clock: ${clock.now}${clock.frozen ? ' (frozen)' : ''}`;
  } catch {
    el.textContent = '';
  }
}
