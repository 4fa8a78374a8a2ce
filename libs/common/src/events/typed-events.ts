import { Logger } from '@nestjs/common';

export type EventListener<E> = (event: E) => void | Promise<void>;

/**
 * An in-process, typed publish/subscribe bus: `M` maps each event name to its payload type.
 * Listeners run one after another; whatever one throws or rejects is logged and never reaches
 * the publisher, so publishing after a commit cannot undo or fail the work that was committed.
 *
 *   class SessionEvents extends TypedEvents<{ 'session.ended': SessionEndedEvent }> {}
 *   events.on('session.ended', (e) => …);   // returns a function that unsubscribes
 */
export class TypedEvents<M extends object> {
  private readonly listeners = new Map<keyof M, Set<EventListener<never>>>();
  private readonly log = new Logger(this.constructor.name);

  on<K extends keyof M>(name: K, listener: EventListener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as EventListener<never>);
    return () => void set.delete(listener as EventListener<never>);
  }

  emit<K extends keyof M>(name: K, event: M[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        const result = (listener as EventListener<M[K]>)(event);
        if (result instanceof Promise) result.catch((err: unknown) => this.failed(name, err));
      } catch (err) {
        this.failed(name, err);
      }
    }
  }

  private failed(name: keyof M, err: unknown): void {
    this.log.error(`A listener of ${String(name)} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
