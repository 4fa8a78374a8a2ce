/**
 * One pass of a background job at a time: a kick while a pass runs asks for one more pass right
 * after it (however many kicks came), never a second pass at once. The workers that drain a
 * queue or a backlog from the store share it.
 */
export class SerialPasses {
  private running?: Promise<void>;
  private again = false;

  /** `pass` must not reject (a worker logs its own failures); `stopped` ends further kicks. */
  constructor(private readonly pass: () => Promise<void>, private readonly stopped: () => boolean = () => false) {}

  /** Starts a pass now, or right after the one running. */
  kick(): void {
    if (this.stopped()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** The pass under way, if any (awaited at shutdown). */
  get current(): Promise<void> | undefined {
    return this.running;
  }
}
