import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createSsfReceiver } from './ssf-receiver';

/**
 * A transmitter whose poll endpoint answers an endless body: the receiver must give up at its
 * answer limit (4 MiB), reading no further, rather than buffer until the poll timeout.
 */
describe('SSF receiver: bounded answers', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      const json = (body: unknown) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (path === '/.well-known/ssf-configuration') return json({ issuer: base, jwks_uri: `${base}/jwks`, configuration_endpoint: `${base}/ssf/stream` });
      if (path === '/ssf/stream' && req.method === 'GET') return json([]);
      if (path === '/ssf/stream') return json({ stream_id: 's1', delivery: { method: 'urn:ietf:rfc:8936', endpoint_url: `${base}/ssf/poll/s1` } });
      // The poll: chunks for as long as the client reads.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => { while (res.write(chunk)); };
      res.on('drain', pump);
      pump();
      req.on('close', () => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a poll answer past its limit without reading the rest of it', async () => {
    const receiver = createSsfReceiver({ transmitter: base, clientId: 'api', tokenProvider: async () => 'token', allowedOrigins: [base], pollTimeout: 30 });
    await expect(receiver.start()).rejects.toThrow(/SSF poll: body is over the 4194304-byte limit/);
    await receiver.stop();
  });
});
