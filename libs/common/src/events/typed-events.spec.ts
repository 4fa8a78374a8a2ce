import { Logger } from '@nestjs/common';
import { TypedEvents } from './typed-events';

class Bus extends TypedEvents<{ ping: { n: number }; pong: string }> {}

describe('TypedEvents', () => {
  it('delivers each event to the listeners of its name, in subscription order, until they unsubscribe', () => {
    const bus = new Bus();
    const seen: string[] = [];
    const off = bus.on('ping', (e) => void seen.push(`a${e.n}`));
    bus.on('ping', (e) => void seen.push(`b${e.n}`));
    bus.on('pong', (s) => void seen.push(s));
    bus.emit('ping', { n: 1 });
    off();
    bus.emit('ping', { n: 2 });
    bus.emit('pong', 'p');
    expect(seen).toEqual(['a1', 'b1', 'b2', 'p']);
  });

  it('keeps a failing listener, sync or async, from reaching the publisher or the other listeners', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const bus = new Bus();
      const seen: number[] = [];
      bus.on('ping', () => { throw new Error('sync'); });
      bus.on('ping', async () => { throw new Error('async'); });
      bus.on('ping', (e) => void seen.push(e.n));
      expect(() => bus.emit('ping', { n: 7 })).not.toThrow();
      await new Promise((r) => setImmediate(r));
      expect(seen).toEqual([7]);
      expect(error).toHaveBeenCalledTimes(2);
    } finally {
      error.mockRestore();
    }
  });
});
