import { isIP } from 'node:net';

/** True for a name or address only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  // An IPv4 loopback address written as IPv6 (::ffff:127.0.0.1).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
}

/**
 * Whether the emulator may send a push notification to `url`: loopback hosts always, others only when
 * named in `allowed` (`--allow-push-host`; `*` allows any). Without this, whoever can set a topic could
 * make the emulator post to any address its machine reaches, such as a cloud metadata service.
 */
export function pushHostAllowed(url: URL, allowed: readonly string[]): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(host)) return true;
  return allowed.some((name) => name === '*' || name.replace(/^\[|\]$/g, '').toLowerCase() === host);
}
