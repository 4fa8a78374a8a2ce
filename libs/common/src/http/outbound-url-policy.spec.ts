import { LookupAddress } from 'node:dns';
import { loadServerConfig } from '../config/server-config';
import { OutboundUrlPolicy, OutboundUrlRefused } from './outbound-url-policy';

const policy = (allowedHosts: string[] = [], allowHttp = false) => new OutboundUrlPolicy({ allowHttp, allowedHosts });

/** What the policy's lookup makes of `host`: the addresses handed to the socket, or the error. */
function lookup(p: OutboundUrlPolicy, host: string, all = true): Promise<LookupAddress[] | string | Error> {
  return new Promise((resolve) => p.lookup(host, { all }, (err, address) => resolve(err ?? address)));
}

describe('OutboundUrlPolicy', () => {
  describe('the default outside development (https, public addresses only)', () => {
    const strict = new OutboundUrlPolicy(loadServerConfig({ NODE_ENV: 'production' }).outbound);

    it('is the default without NODE_ENV too; development allows anything', () => {
      expect(loadServerConfig({}).outbound).toEqual({ allowHttp: false, allowedHosts: [] });
      expect(loadServerConfig({ NODE_ENV: 'development' }).outbound).toEqual({ allowHttp: true, allowedHosts: ['*'] });
      expect(new OutboundUrlPolicy(loadServerConfig({ NODE_ENV: 'development' }).outbound).problem('http://127.0.0.1:9/bcl')).toBeNull();
    });

    it.each([
      'https://rp.example.com/backchannel', 'https://rp.example.com:8443/ssf?x=1', 'https://8.8.8.8/bcl', 'https://[2001:4860:4860::8888]/bcl',
    ])('accepts %s', (url) => {
      expect(strict.problem(url)).toBeNull();
      expect(() => strict.check(new URL(url))).not.toThrow();
    });

    it.each([
      ['http://rp.example.com/bcl', /^must be an https URL \(plain http is refused unless OUTBOUND_ALLOW_HTTP is on\)$/],
      ['ftp://rp.example.com/bcl', /^must be an https URL$/],
      ['not a url', /^must be an absolute URL$/],
      ['https://127.0.0.1/bcl', /^must not point at a loopback address \(127\.0\.0\.1\); list the host in OUTBOUND_ALLOWED_HOSTS to allow it$/],
      ['https://127.1.2.3:8443/bcl', /loopback address \(127\.1\.2\.3\)/],
      ['https://2130706433/bcl', /loopback address \(127\.0\.0\.1\)/], // the URL parser reads it as 127.0.0.1
      ['https://0x7f.1/bcl', /loopback address \(127\.0\.0\.1\)/],
      ['https://[::1]/bcl', /loopback address \(::1\)/],
      ['https://[::ffff:127.0.0.1]/bcl', /loopback address \(::ffff:7f00:1\)/],
      ['https://0.0.0.0/bcl', /unspecified address/],
      ['https://10.1.2.3/bcl', /private address \(10\.1\.2\.3\)/],
      ['https://172.16.0.1/bcl', /private address/],
      ['https://192.168.1.1/bcl', /private address/],
      ['https://169.254.169.254/latest/meta-data/', /link-local address \(169\.254\.169\.254\)/],
      ['https://[fe80::1]/bcl', /link-local address/],
      ['https://[fd00::1]/bcl', /unique-local address/],
      ['https://100.64.0.1/bcl', /carrier-grade NAT address/],
      ['https://224.0.0.1/bcl', /multicast address/],
      ['https://localhost/bcl', /loopback host \(localhost\)/],
      ['https://LOCALHOST./bcl', /loopback host \(localhost\)/],
      ['https://rp.localhost/bcl', /loopback host \(rp\.localhost\)/],
    ])('refuses %s', (url, message) => {
      expect(strict.problem(url)).toMatch(message);
      // Before connecting, the scheme and literal addresses are refused again; names are left to lookup.
      if (url.includes('://') && !/localhost/i.test(url)) expect(() => strict.check(new URL(url))).toThrow(OutboundUrlRefused);
    });
  });

  describe('OUTBOUND_ALLOWED_HOSTS', () => {
    it('allows listed names, subdomains, addresses and ranges, and nothing else', () => {
      const p = policy(['receiver.internal', '*.svc.cluster.local', '10.0.0.0/8', '::1', '127.0.0.1']);
      for (const url of ['https://receiver.internal/bcl', 'https://RECEIVER.internal./bcl', 'https://a.b.svc.cluster.local/x', 'https://10.9.8.7/x', 'https://[::1]/x', 'https://127.0.0.1:9/x']) {
        expect([url, p.problem(url)]).toEqual([url, null]);
      }
      for (const url of ['https://192.168.0.1/x', 'https://127.0.0.2/x', 'https://localhost/x', 'https://[::2]/x']) {
        expect(p.problem(url)).toMatch(/must not point at/);
      }
      // Listing a host does not allow plain http.
      expect(p.problem('http://receiver.internal/bcl')).toMatch(/https/);
      expect(policy(['receiver.internal'], true).problem('http://receiver.internal/bcl')).toBeNull();
    });

    it('* allows any address', () => {
      expect(policy(['*']).problem('https://169.254.169.254/')).toBeNull();
    });

    it('refuses an entry that is neither a name, an address nor a range', () => {
      expect(() => policy(['10.0.0.0/33'])).toThrow(/OUTBOUND_ALLOWED_HOSTS: 10\.0\.0\.0\/33/);
      expect(() => policy(['http://x'])).toThrow(/OUTBOUND_ALLOWED_HOSTS/);
      expect(() => loadServerConfig({ OUTBOUND_ALLOWED_HOSTS: 'receiver.internal, 10.0.0.0/99' })).toThrow(/OUTBOUND_ALLOWED_HOSTS=/);
      expect(loadServerConfig({ OUTBOUND_ALLOWED_HOSTS: 'receiver.internal, *.corp.example,10.0.0.0/8,fd00::/8', OUTBOUND_ALLOW_HTTP: 'true' }).outbound)
        .toEqual({ allowHttp: true, allowedHosts: ['receiver.internal', '*.corp.example', '10.0.0.0/8', 'fd00::/8'] });
    });
  });

  describe('lookup, at connection time', () => {
    it('refuses a name that resolves to a loopback address, whatever the URL looked like', async () => {
      const err = await lookup(policy(), 'localhost');
      expect(err).toBeInstanceOf(OutboundUrlRefused);
      expect((err as Error).message).toMatch(/^localhost is refused: it resolves to a loopback address \(127\.0\.0\.1\)/);
      expect(await lookup(policy(), 'localhost', false)).toBeInstanceOf(OutboundUrlRefused);
    });

    it('hands the socket the checked addresses when the name or the address is allowed', async () => {
      expect(await lookup(policy(['localhost']), 'localhost')).toEqual(expect.arrayContaining([{ address: '127.0.0.1', family: 4 }]));
      expect(await lookup(policy(['127.0.0.0/8']), 'localhost', false)).toBe('127.0.0.1');
    });

    it('passes DNS failures through', async () => {
      const err = await lookup(policy(), 'no-such-host.invalid');
      expect(err).not.toBeInstanceOf(OutboundUrlRefused);
      expect((err as NodeJS.ErrnoException).code).toMatch(/ENOTFOUND|EAI_AGAIN/);
    });
  });
});
