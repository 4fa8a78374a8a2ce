import type { Socket } from 'node:net';

const signals = new WeakMap<Socket, AbortSignal>();

/**
 * An AbortSignal that aborts when the caller's connection closes: queued work for a request
 * nobody waits for any more can be dropped. One per connection, so a keep-alive connection
 * holds a single 'close' listener whatever number of requests it carries.
 *
 * Not Fastify's `request.signal`: it listens to the request's 'close', which Node (since 16)
 * emits as soon as the request body has been read, long before the answer is sent.
 */
export function connectionSignal(req: { socket?: Socket; raw?: { socket?: Socket } } | undefined): AbortSignal | undefined {
  const socket = req?.raw?.socket ?? req?.socket;
  if (!socket || typeof socket.once !== 'function') return undefined;
  let signal = signals.get(socket);
  if (!signal) {
    const controller = new AbortController();
    if (socket.destroyed) controller.abort();
    else socket.once('close', () => controller.abort());
    signal = controller.signal;
    signals.set(socket, signal);
  }
  return signal;
}
