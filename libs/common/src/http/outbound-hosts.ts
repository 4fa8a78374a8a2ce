import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** An address range: the network address and the prefix length. */
export type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

const HOST_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An entry of OUTBOUND_ALLOWED_HOSTS: `*`, a host name (`*.` for its subdomains), an address or a CIDR range. */
export function isOutboundHostEntry(entry: string): boolean {
  return entry === '*' || parseNetwork(entry) !== undefined || HOST_NAME.test(entry);
}

/** An address (as a one-address range) or a CIDR range; undefined for anything else. */
export function parseNetwork(entry: string): Network | undefined {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  // isIP also takes zone ids (fe80::1%eth0), which ipaddr.js does not.
  if (!family || rest.length > 0 || !ipaddr.isValid(address)) return undefined;
  if (prefix === undefined) return [ipaddr.parse(address), bits];
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits ? [ipaddr.parse(address), Number(prefix)] : undefined;
}
