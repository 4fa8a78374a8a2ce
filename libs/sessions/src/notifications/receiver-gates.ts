export interface ReceiverGateSettings {
  /** Deliveries in flight at once to one receiver. */
  concurrency: number;
  /** Consecutive failures that open a receiver's circuit; 0: never. */
  failuresToOpen: number;
  /** How long an open circuit refuses deliveries before it lets one trial through. */
  cooldownMs: number;
}

/** A slot taken at a receiver; `probe` when it is the one trial of a half-open circuit. */
export interface GateTicket {
  receiver: string;
  probe: boolean;
}

/** How a delivery ended, for its receiver's circuit: `neutral` says nothing of the receiver (refused by policy, interrupted by shutdown). */
export type GateOutcome = 'ok' | 'failed' | 'neutral';

interface Gate {
  inFlight: number;
  /** Consecutive failures. */
  failures: number;
  /** While `Date.now()` is before this, the circuit is open. */
  openUntil: number;
  /** The one trial delivery of a half-open circuit is in flight. */
  probing: boolean;
  /** Target URLs seen for this receiver, so the outbox query can leave them out while it is held. */
  targets: Set<string>;
}

/** Target URLs remembered per receiver for the outbox query; a receiver rarely has more than two (logout and CAEP). */
const MAX_TARGETS = 16;

/**
 * Per receiver (the origin of a target URL): a limit on deliveries in flight and a circuit
 * breaker, so a slow or broken receiver holds at most `concurrency` of the worker's slots and
 * then, after `failuresToOpen` failures in a row, none: its notifications wait, neither sent nor
 * counted as attempts, while other receivers' go out.
 *
 * Closed: deliveries start while fewer than `concurrency` are in flight; a success resets the
 * failure count. Open (after `failuresToOpen` consecutive failures or timeouts): none start for
 * `cooldownMs`. Half-open (the cool-down over): one trial delivery; its success closes the
 * circuit, its failure opens it for another cool-down. The state is per instance, in memory.
 */
export class ReceiverGates {
  private readonly gates = new Map<string, Gate>();

  constructor(private readonly settings: ReceiverGateSettings, private readonly now: () => number = Date.now) {}

  /** A delivery slot for `target` at `receiver`, if the receiver has one now; give it back with `release`. */
  tryAcquire(receiver: string, target: string): GateTicket | undefined {
    const gate = this.gate(receiver);
    const circuit = this.circuit(gate);
    const admitted = circuit === 'closed' ? gate.inFlight < this.settings.concurrency : circuit === 'half-open' && !gate.probing;
    if (!admitted) {
      if (gate.targets.size < MAX_TARGETS) gate.targets.add(target);
      return undefined;
    }
    const probe = circuit === 'half-open';
    if (probe) gate.probing = true;
    gate.inFlight += 1;
    return { receiver, probe };
  }

  /** Gives a slot back with what became of its delivery; true when this failure opened the circuit. */
  release(ticket: GateTicket, outcome: GateOutcome): boolean {
    const gate = this.gate(ticket.receiver);
    gate.inFlight = Math.max(0, gate.inFlight - 1);
    if (ticket.probe) gate.probing = false;
    let opened = false;
    if (outcome === 'ok') {
      gate.failures = 0;
      gate.openUntil = 0;
    } else if (outcome === 'failed') {
      gate.failures += 1;
      if (this.settings.failuresToOpen > 0 && gate.failures >= this.settings.failuresToOpen) {
        opened = gate.failures === this.settings.failuresToOpen;
        gate.openUntil = this.now() + this.settings.cooldownMs;
      }
    }
    if (gate.inFlight === 0 && gate.failures === 0) this.gates.delete(ticket.receiver);
    return opened;
  }

  /** Whether the receiver would refuse a delivery now: all its slots taken, or its circuit open. */
  isHeld(receiver: string): boolean {
    const gate = this.gates.get(receiver);
    if (!gate) return false;
    const circuit = this.circuit(gate);
    return circuit === 'open' || (circuit === 'half-open' ? gate.probing : gate.inFlight >= this.settings.concurrency);
  }

  /** The target URLs of the receivers held now: the outbox query leaves their rows for later. */
  heldTargets(): string[] {
    const out: string[] = [];
    for (const [receiver, gate] of this.gates) if (this.isHeld(receiver)) out.push(...gate.targets);
    return out;
  }

  private circuit(gate: Gate): 'closed' | 'open' | 'half-open' {
    if (this.settings.failuresToOpen === 0 || gate.failures < this.settings.failuresToOpen) return 'closed';
    return this.now() < gate.openUntil ? 'open' : 'half-open';
  }

  private gate(receiver: string): Gate {
    let gate = this.gates.get(receiver);
    if (!gate) {
      gate = { inFlight: 0, failures: 0, openUntil: 0, probing: false, targets: new Set() };
      this.gates.set(receiver, gate);
    }
    return gate;
  }
}

/** The receiver a target URL belongs to: its origin (scheme, host, port). */
export function receiverOf(targetUrl: string): string {
  try {
    return new URL(targetUrl).origin;
  } catch {
    return targetUrl;
  }
}
