import { lookup as dnsLookup, LookupAllOptions } from 'node:dns';
import { isIP, LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { InjectConfig } from '../config/config.module';
import type { OutboundConfig } from '../config/config-slices';
import { isOutboundHostEntry, Network, parseNetwork } from './outbound-hosts';

/** A URL or an address the outbound policy does not let the server connect to. */
export class OutboundUrlRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundUrlRefused';
  }
}

/** ipaddr.js range names, as an operator reads them. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'loopback', private: 'private', linkLocal: 'link-local', uniqueLocal: 'unique-local', unspecified: 'unspecified',
  carrierGradeNat: 'carrier-grade NAT', multicast: 'multicast', broadcast: 'broadcast', reserved: 'reserved',
};

/** IANA's IPv6 global unicast space. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** `[::1]` → `::1`, `Example.COM.` → `example.com`: how hosts are compared. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/**
 * Where the server may connect on a client's word: its `jwks_uri`, `backchannel_logout_uri` and
 * `caep_receiver_uri`. Unless configured otherwise (OUTBOUND_ALLOW_HTTP, OUTBOUND_ALLOWED_HOSTS),
 * only https to public addresses, so a registration cannot make the server reach its own
 * loopback, the private network or a cloud metadata service (SSRF).
 *
 * Checked twice: when a URL is registered (scheme and literal addresses: a name may resolve
 * elsewhere tomorrow), and when the server connects, through `lookup`, which resolves the name,
 * refuses it unless every address is allowed, and hands the socket only checked addresses, so a
 * name that resolves to a public address for the check and to 127.0.0.1 for the connection
 * (DNS rebinding) gets nowhere.
 */
@Injectable()
export class OutboundUrlPolicy {
  private readonly anyHost: boolean;
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly networks: Network[] = [];

  constructor(@InjectConfig('outbound') private readonly config: OutboundConfig) {
    const entries = config.allowedHosts.map((e) => e.trim().toLowerCase());
    for (const entry of entries) {
      if (!isOutboundHostEntry(entry)) throw new TypeError(`OUTBOUND_ALLOWED_HOSTS: ${entry} is neither a host name, an address nor a CIDR range`);
      const network = parseNetwork(entry);
      if (network) this.networks.push(network);
      else if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else if (entry !== '*') this.names.add(entry);
    }
    this.anyHost = entries.includes('*');
  }

  /** Why `value` may not be registered as a URL the server will call, or null. No DNS here: see `lookup`. */
  problem(value: string): string | null {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'must be an absolute URL';
    }
    const problem = this.urlProblem(url);
    if (problem) return problem;
    // RFC 6761 §6.3: these names are loopback wherever they are resolved; said now rather than at the first delivery.
    const host = bareHost(url.hostname);
    const loopbackName = (host === 'localhost' || host.endsWith('.localhost')) && !this.hostAllowed(host);
    return loopbackName ? `must not point at a loopback host (${host})${HINT}` : null;
  }

  /** Before connecting: throws OutboundUrlRefused for a scheme or a literal address outside the policy; names are judged by `lookup`. */
  check(url: URL): void {
    const problem = this.urlProblem(url);
    if (problem) throw new OutboundUrlRefused(`${url.origin} is refused: it ${problem}`);
  }

  /**
   * A `lookup` for net, http and https: resolves `hostname` and fails with OutboundUrlRefused
   * unless every address it resolves to is allowed; the socket then connects to those addresses only.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const fail = (err: NodeJS.ErrnoException) => callback(err, options.all ? [] : '');
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
      if (err) return fail(err);
      const host = bareHost(hostname);
      if (!this.hostAllowed(host)) {
        for (const { address } of addresses) {
          const refused = this.refusedAddress(address);
          if (refused) return fail(new OutboundUrlRefused(`${host} is refused: it resolves to ${refused}${HINT}`));
        }
      }
      if (addresses.length === 0) return fail(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }));
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };

  /** The scheme, and a literal address (which net connects to without a lookup). */
  private urlProblem(url: URL): string | null {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
    if (url.protocol === 'http:' && !this.config.allowHttp) return 'must be an https URL (plain http is refused unless OUTBOUND_ALLOW_HTTP is on)';
    const host = bareHost(url.hostname);
    const refused = isIP(host) && !this.hostAllowed(host) ? this.refusedAddress(host) : null;
    return refused && `must not point at ${refused}${HINT}`;
  }

  private hostAllowed(host: string): boolean {
    if (this.anyHost || this.names.has(host) || this.suffixes.some((s) => host.endsWith(s))) return true;
    return isIP(host) !== 0 && this.addressListed(host);
  }

  private addressListed(address: string): boolean {
    const ip = ipaddr.process(address);
    return this.networks.some(([net, prefix]) => net.kind() === ip.kind() && ip.match(net, prefix));
  }

  /** What a refused address is ("a loopback address (127.0.0.1)"), or null when it is public unicast or listed. */
  private refusedAddress(address: string): string | null {
    if (this.anyHost || this.addressListed(address)) return null;
    // process() reads an IPv4-mapped IPv6 address (::ffff:127.0.0.1) as the IPv4 address it is.
    const ip = ipaddr.process(address);
    const range = ip.range();
    // ipaddr.js calls every address outside its special ranges unicast; IPv6's public ones are 2000::/3 alone.
    if (range === 'unicast' && (ip.kind() === 'ipv4' || ip.match(GLOBAL_UNICAST_V6))) return null;
    return `a ${RANGE_WORDS[range] ?? `non-public (${range === 'unicast' ? 'unassigned' : range})`} address (${address})`;
  }
}

const HINT = '; list the host in OUTBOUND_ALLOWED_HOSTS to allow it';
