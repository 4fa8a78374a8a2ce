import { SerialPasses } from './serial-passes';

describe('SerialPasses', () => {
  it('runs one pass at a time, and one more after it however many kicks came meanwhile', async () => {
    let active = 0;
    let maxActive = 0;
    let passes = 0;
    let release!: () => void;
    const runner = new SerialPasses(async () => {
      passes++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((r) => (release = r));
      active--;
    });
    runner.kick();
    runner.kick();
    runner.kick();
    expect(passes).toBe(1);
    release();
    await new Promise((r) => setImmediate(r));
    expect(passes).toBe(2);
    release();
    await runner.current;
    await new Promise((r) => setImmediate(r));
    expect(passes).toBe(2);
    expect(maxActive).toBe(1);
    expect(runner.current).toBeUndefined();
  });

  it('starts nothing once stopped', () => {
    let passes = 0;
    const runner = new SerialPasses(async () => { passes++; }, () => true);
    runner.kick();
    expect(passes).toBe(0);
  });
});
