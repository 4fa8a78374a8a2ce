import { ApiError } from '@app/common';
import { HashAdmission } from './hash-admission';

/** A task the test finishes by hand, and whether it has started. */
function task() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const t = { started: false, finish, run: () => ((t.started = true), done) };
  return t;
}

/** The rejection of `p`, or a failure when it resolves. */
async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

const settle = () => new Promise((r) => setImmediate(r));

describe('HashAdmission', () => {
  it('runs at most `concurrency` hashes, queues at most `queue`, first come first served, and refuses the rest at once with 503 and Retry-After', async () => {
    const gate = new HashAdmission({ concurrency: 2, queue: 3, maxWaitMs: 60_000 });
    const tasks = Array.from({ length: 5 }, task);
    const runs = tasks.map((t) => gate.run(t.run));
    await settle();
    expect(tasks.map((t) => t.started)).toEqual([true, true, false, false, false]);
    expect(gate.stats()).toMatchObject({ running: 2, waiting: 3 });

    const extra = task();
    const refused = await refusal(gate.run(extra.run));
    expect(extra.started).toBe(false);
    expect(refused).toMatchObject({ status: 503, code: 'temporarily_unavailable', headers: { 'Retry-After': expect.stringMatching(/^[1-9]\d*$/) } });

    tasks[1].finish();
    await settle();
    expect(tasks.map((t) => t.started)).toEqual([true, true, true, false, false]);
    for (const t of tasks) t.finish();
    await Promise.all(runs);
    expect(gate.stats()).toEqual({ running: 0, waiting: 0, admitted: 5, refused: 1, abandoned: 0 });
  });

  it('drops a waiting hash whose caller has gone, freeing its place; refuses one already gone without running it', async () => {
    const gate = new HashAdmission({ concurrency: 1, queue: 1, maxWaitMs: 60_000 });
    const first = task();
    const running = gate.run(first.run);
    const caller = new AbortController();
    const waiting = task();
    const dropped = gate.run(waiting.run, caller.signal);
    await settle();
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 1 });
    caller.abort();
    expect((await refusal(dropped)).status).toBe(503);
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 0, abandoned: 1 });
    // Its place is free again.
    const next = task();
    const admitted = gate.run(next.run);
    await settle();
    expect(gate.stats().waiting).toBe(1);

    const gone = task();
    await refusal(gate.run(gone.run, AbortSignal.abort()));
    first.finish();
    await running;
    await settle();
    next.finish();
    await admitted;
    expect([waiting.started, gone.started, next.started]).toEqual([false, false, true]);
  });

  it('refuses at once a hash whose turn would come after the longest wait, and one still waiting when it has passed', async () => {
    // No hash has finished yet: each is expected to take 500 ms.
    const impatient = new HashAdmission({ concurrency: 1, queue: 10, maxWaitMs: 100 });
    const first = task();
    const running = impatient.run(first.run);
    await refusal(impatient.run(task().run));
    expect(impatient.stats()).toMatchObject({ waiting: 0, refused: 1 });
    first.finish();
    await running;

    const gate = new HashAdmission({ concurrency: 1, queue: 10, maxWaitMs: 600 });
    const slow = task();
    const held = gate.run(slow.run);
    const late = task();
    const started = Date.now();
    const err = await refusal(gate.run(late.run));
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(err.status).toBe(503);
    expect(late.started).toBe(false);
    slow.finish();
    await held;
  });

  it('lets urgent hashes (client secrets) go ahead of the others waiting, in a queue of their own', async () => {
    const gate = new HashAdmission({ concurrency: 1, queue: 2, maxWaitMs: 60_000 });
    const order: string[] = [];
    const named = (name: string) => {
      const t = task();
      return { ...t, run: () => (order.push(name), t.run()) };
    };
    const first = named('first');
    const tasks = [named('sign-in 1'), named('sign-in 2'), named('client 1'), named('client 2')];
    const runs = [gate.run(first.run), ...tasks.map((t, i) => gate.run(t.run, undefined, i >= 2))];
    await settle();
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 4 });
    // Both queues are full: a third of either kind is refused.
    expect((await refusal(gate.run(task().run))).status).toBe(503);
    expect((await refusal(gate.run(task().run, undefined, true))).status).toBe(503);
    for (const t of [first, ...tasks]) {
      t.finish();
      await settle();
    }
    await Promise.all(runs);
    expect(order).toEqual(['first', 'client 1', 'client 2', 'sign-in 1', 'sign-in 2']);
  });

  it('admits waiting hashes when reconfigured with more room', async () => {
    const gate = new HashAdmission({ concurrency: 1, queue: 5, maxWaitMs: 60_000 });
    const tasks = Array.from({ length: 3 }, task);
    const runs = tasks.map((t) => gate.run(t.run));
    await settle();
    gate.configure({ concurrency: 3, queue: 5, maxWaitMs: 60_000 });
    await settle();
    expect(tasks.every((t) => t.started)).toBe(true);
    for (const t of tasks) t.finish();
    await Promise.all(runs);
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0 });
  });
});
