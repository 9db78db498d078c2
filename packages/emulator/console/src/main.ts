import './style.css';
import { messageOf, refreshClock } from './api.js';
import { fill, h } from './dom.js';
import { courseListPage } from './pages/courses.js';
import { coursePage } from './pages/course.js';
import { faultsPage } from './pages/faults.js';
import { notificationsPage } from './pages/notifications.js';
import { overviewPage } from './pages/overview.js';
import { peoplePage } from './pages/people.js';
import { platformPage } from './pages/platform.js';
import { requestsPage } from './pages/requests.js';

/** What a page gets: the path parameters, the URL's query, and a signal that fires when the page is left. */
export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
  /** Changes the URL's query without a reload or a new history entry (filters, selection). */
  setQuery(query: URLSearchParams, path?: string): void;
}

export type Page = (context: PageContext) => Promise<HTMLElement> | HTMLElement;

interface Route {
  pattern: RegExp;
  names: string[];
  page: Page;
  title: string;
  nav: string;
}

function route(path: string, page: Page, title: string, nav: string): Route {
  const names: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_m, name: string) => (names.push(name), '([^/]+)'))}/?$`);
  return { pattern, names, page, title, nav };
}

const ROUTES: Route[] = [
  route('/console', overviewPage, 'Overview', '/console'),
  route('/console/courses', courseListPage, 'Courses', '/console/courses'),
  route('/console/courses/:id', coursePage, 'Course', '/console/courses'),
  route('/console/people', peoplePage, 'People & projects', '/console/people'),
  route('/console/requests', requestsPage, 'Requests', '/console/requests'),
  route('/console/requests/:id', requestsPage, 'Requests', '/console/requests'),
  route('/console/faults', faultsPage, 'Faults', '/console/faults'),
  route('/console/platform', platformPage, 'Clock, limits & state', '/console/platform'),
  route('/console/notifications', notificationsPage, 'Notifications', '/console/notifications'),
];

const NAV: { href: string; label: string; key: string }[] = [
  { href: '/console', label: 'Overview', key: 'o' },
  { href: '/console/courses', label: 'Courses', key: 'c' },
  { href: '/console/people', label: 'People', key: 'p' },
  { href: '/console/requests', label: 'Requests', key: 'r' },
  { href: '/console/faults', label: 'Faults', key: 'f' },
  { href: '/console/platform', label: 'Clock & state', key: 's' },
  { href: '/console/notifications', label: 'Notifications', key: 'n' },
];

let leave: AbortController | undefined;

async function render(): Promise<void> {
  leave?.abort();
  const controller = new AbortController();
  leave = controller;
  const path = location.pathname.replace(/\/+$/, '') || '/console';
  const main = document.getElementById('main');
  if (!main) return;
  const match = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav.top a')) {
    if (a.getAttribute('href') === match?.r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!match || !match.m) {
    fill(main, h('h1', 'Not found'), h('p', `The console has no page ${path}.`));
    return;
  }
  const params = Object.fromEntries(match.r.names.map((name, i) => [name, decodeURIComponent(match.m?.[i + 1] ?? '')]));
  document.title = `${match.r.title} · classroom-emulator`;
  main.setAttribute('aria-busy', 'true');
  void refreshClock();
  try {
    const el = await match.r.page({
      params,
      query: new URLSearchParams(location.search),
      signal: controller.signal,
      setQuery(query, newPath) {
        const qs = query.toString();
        history.replaceState(null, '', `${newPath ?? location.pathname}${qs ? `?${qs}` : ''}`);
      },
    });
    if (!controller.signal.aborted) {
      fill(main, el);
      // The first page drawn with its data: what the browser tests report as time to interactive.
      if (performance.getEntriesByName('console-ready').length === 0) performance.mark('console-ready');
    }
  } catch (error) {
    if (!controller.signal.aborted) fill(main, h('h1', 'Something went wrong'), h('p', { class: 'error-text' }, messageOf(error)));
  } finally {
    if (!controller.signal.aborted) main.removeAttribute('aria-busy');
  }
}

/** Follows a console link without a reload. */
export function navigate(href: string): void {
  history.pushState(null, '', href);
  void render();
  document.getElementById('main')?.focus({ preventScroll: true });
}

function shell(): void {
  const nav = h(
    'nav',
    { class: 'top', 'aria-label': 'Console' },
    h('a', { class: 'brand', href: '/console' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '◆'), ' classroom-emulator'),
    h('div', { class: 'links' }, NAV.map((item) => h('a', { href: item.href, title: `${item.label} (g then ${item.key})` }, item.label))),
    h('span', { class: 'clock', id: 'clock', title: 'Virtual clock' }),
  );
  fill(document.body, h('a', { class: 'skip', href: '#main' }, 'Skip to content'), nav, h('main', { id: 'main', tabindex: '-1' }), h('div', { id: 'toasts', 'aria-live': 'polite' }));

  document.addEventListener('click', (event) => {
    const a = (event.target as Element | null)?.closest?.('a');
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/console') || a.hasAttribute('download') || a.target) return;
    event.preventDefault();
    navigate(href);
  });
  window.addEventListener('popstate', () => void render());

  // Keyboard: g then a letter goes to a page; / focuses the page's first filter.
  let pendingG = false;
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable]') || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === '/') {
      const filter = document.querySelector<HTMLInputElement>('main input[type=search], main input');
      if (filter) {
        event.preventDefault();
        filter.focus();
      }
      return;
    }
    if (pendingG) {
      pendingG = false;
      const item = NAV.find((n) => n.key === event.key);
      if (item) navigate(item.href);
      return;
    }
    if (event.key === 'g') {
      pendingG = true;
      setTimeout(() => (pendingG = false), 1500);
    }
  });
}

shell();
void render();
