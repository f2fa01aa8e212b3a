import { isIPv6 } from 'node:net';

/**
 * The key a source address is limited by: IPv4 as it is (an IPv4-mapped IPv6 address is IPv4), IPv6
 * by its /64, the smallest block a site is given, so one host cannot walk through its own prefix (a zone
 * index, `fe80::1%eth0`, is not part of it). The broker's login throttle and the public API's rate limit
 * count by it.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = (address.split('%')[0] ?? '').toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
