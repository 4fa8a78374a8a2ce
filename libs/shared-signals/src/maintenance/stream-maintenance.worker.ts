import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig, SerialPasses, SsfConfig } from '@app/common';
import { SsfOutboxRepository, SsfStreamRepository } from '@app/store';
import { SsfStreamStatusService } from '../streams/stream-status.service';

/** Streams paused in one pass at most; the next pass takes the rest. */
const BATCH = 100;

/**
 * The transmitter's own care of its streams, on every instance (each step is one conditional
 * write, so instances do not repeat each other's work):
 * - SETs still waiting after SSF_EVENT_RETENTION are dropped (paused streams, polls never acknowledged);
 * - with SSF_INACTIVITY_TIMEOUT, an enabled stream whose receiver made no management call and no
 *   poll for that long is paused (SSF 1.0 §8.1.1 `inactivity_timeout`), and told so by a
 *   stream-updated event (§8.1.5); the receiver enables it again with the status endpoint.
 */
@Injectable()
export class StreamMaintenanceWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SharedSignals');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly passes = new SerialPasses(() => this.pass(), () => this.stopped);

  constructor(
    @InjectConfig('ssf') private readonly ssf: SsfConfig,
    private readonly streams: SsfStreamRepository,
    private readonly outbox: SsfOutboxRepository,
    private readonly status: SsfStreamStatusService,
  ) {}

  onApplicationBootstrap(): void {
    // A quarter of the timeout between passes (a stream pauses at most 25% late), at most a minute.
    const interval = this.ssf.inactivityTimeout > 0 ? Math.min(60_000, Math.max(250, this.ssf.inactivityTimeout * 250)) : 60_000;
    this.timer = setInterval(() => this.passes.kick(), interval);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.passes.current;
  }

  /** One pass; also run by tests. */
  async pass(): Promise<void> {
    try {
      const now = Date.now();
      const dropped = await this.outbox.dropExpired(now - this.ssf.eventRetention * 1000, now);
      if (dropped > 0) this.logger.warn(`Dropped ${dropped} SETs not delivered within SSF_EVENT_RETENTION (${this.ssf.eventRetention} s)`);
      if (this.ssf.inactivityTimeout > 0) await this.pauseInactive(now);
    } catch (err) {
      if (!this.stopped) this.logger.warn(`Stream maintenance failed: ${(err as Error).message}`);
    }
  }

  private async pauseInactive(now: number): Promise<void> {
    const quietSince = now - this.ssf.inactivityTimeout * 1000;
    for (const stream of await this.streams.inactive(quietSince, BATCH)) {
      if (this.stopped) return;
      await this.status.changeByTransmitter(stream, 'paused', `No activity from the receiver for ${this.ssf.inactivityTimeout} seconds (inactivity_timeout)`, quietSince);
    }
  }
}
