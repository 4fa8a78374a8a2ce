import { ReceiverGates, receiverOf } from './receiver-gates';

const A = 'https://a.example';
const B = 'https://b.example';

describe('ReceiverGates', () => {
  let now: number;
  let gates: ReceiverGates;
  beforeEach(() => {
    now = 1_000_000;
    gates = new ReceiverGates({ concurrency: 2, failuresToOpen: 3, cooldownMs: 30_000 }, () => now);
  });

  it('limits the deliveries in flight per receiver, not across receivers', () => {
    const a1 = gates.tryAcquire(A, `${A}/bcl`);
    const a2 = gates.tryAcquire(A, `${A}/bcl`);
    expect([a1, a2]).toEqual([{ receiver: A, probe: false }, { receiver: A, probe: false }]);
    expect(gates.tryAcquire(A, `${A}/caep`)).toBeUndefined();
    expect(gates.tryAcquire(B, `${B}/bcl`)).toBeDefined();
    // The outbox read leaves out the rows of the full receiver, by the targets it was asked for.
    expect(gates.isHeld(A)).toBe(true);
    expect(gates.heldTargets()).toEqual([`${A}/caep`]);
    gates.release(a1!, 'ok');
    expect(gates.isHeld(A)).toBe(false);
    expect(gates.heldTargets()).toEqual([]);
    expect(gates.tryAcquire(A, `${A}/caep`)).toBeDefined();
  });

  it('opens after consecutive failures, lets one trial through after the cool-down, and closes on its success', () => {
    const fail = () => gates.release(gates.tryAcquire(A, `${A}/bcl`)!, 'failed');
    expect([fail(), fail()]).toEqual([false, false]);
    // A success in between starts the count again.
    gates.release(gates.tryAcquire(A, `${A}/bcl`)!, 'ok');
    expect([fail(), fail(), fail()]).toEqual([false, false, true]);
    expect(gates.tryAcquire(A, `${A}/bcl`)).toBeUndefined();
    expect(gates.heldTargets()).toEqual([`${A}/bcl`]);
    expect(gates.tryAcquire(B, `${B}/bcl`)).toBeDefined();

    now += 29_999;
    expect(gates.tryAcquire(A, `${A}/bcl`)).toBeUndefined();
    now += 1;
    const trial = gates.tryAcquire(A, `${A}/bcl`);
    expect(trial).toEqual({ receiver: A, probe: true });
    expect(gates.tryAcquire(A, `${A}/bcl`)).toBeUndefined();
    // The trial fails: open for another cool-down (reported once, when it first opened).
    expect(gates.release(trial!, 'failed')).toBe(false);
    expect(gates.tryAcquire(A, `${A}/bcl`)).toBeUndefined();
    now += 30_000;
    gates.release(gates.tryAcquire(A, `${A}/bcl`)!, 'ok');
    expect(gates.isHeld(A)).toBe(false);
    expect(gates.tryAcquire(A, `${A}/bcl`)).toEqual({ receiver: A, probe: false });
    expect(gates.tryAcquire(A, `${A}/bcl`)).toEqual({ receiver: A, probe: false });
  });

  it('does not count what says nothing about the receiver, and never opens with failuresToOpen 0', () => {
    for (let i = 0; i < 10; i++) gates.release(gates.tryAcquire(A, `${A}/bcl`)!, 'neutral');
    expect(gates.isHeld(A)).toBe(false);
    const never = new ReceiverGates({ concurrency: 1, failuresToOpen: 0, cooldownMs: 1000 }, () => now);
    for (let i = 0; i < 10; i++) never.release(never.tryAcquire(A, `${A}/bcl`)!, 'failed');
    expect(never.tryAcquire(A, `${A}/bcl`)).toBeDefined();
  });

  it('keys receivers by origin', () => {
    expect(receiverOf('https://RP.example:443/bcl?x=1')).toBe('https://rp.example');
    expect(receiverOf('http://127.0.0.1:8080/a')).toBe(receiverOf('http://127.0.0.1:8080/b'));
    expect(receiverOf('not a url')).toBe('not a url');
  });
});
