import { BlockList, isIP } from 'node:net';

// Node's BlockList also matches IPv4-mapped IPv6 forms (::ffff:7f00:1) against the IPv4 subnet.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for a name or address only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
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
