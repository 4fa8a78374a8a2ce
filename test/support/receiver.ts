import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  contentType: string;
  body: string;
  /** What the receiver answered; 0 while it has not, -1 when the sender had hung up first. */
  status: number;
  at: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 for back-channel logout and CAEP pushes. Every request is
 * recorded; `answer` decides the status per request (a slow receiver returns a promise that
 * settles later, or never).
 */
export class Receiver {
  readonly received: Received[] = [];
  answer: (req: Received, index: number) => number | Promise<number> = () => 200;
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Waits (bounded) until `predicate` holds for what was received. */
  async waitFor(predicate: (received: Received[]) => boolean, timeoutMs = 10_000): Promise<Received[]> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > until) throw new Error(`receiver: condition not met within ${timeoutMs} ms; received ${this.received.length}: ${JSON.stringify(this.received.map((r) => [r.path, r.status]))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.received;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec: Received = { path: req.url ?? '/', contentType: String(req.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8'), status: 0, at: Date.now() };
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const index = this.received.push(rec) - 1;
    const status = await this.answer(rec, index);
    // The sender gave up (its timeout) before this answer: nothing was delivered.
    rec.status = res.destroyed || req.socket.destroyed ? -1 : status;
    if (rec.status === -1) return;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(status >= 400 ? JSON.stringify({ err: 'temporarily_unavailable', description: 'try later' }) : '');
  }
}
