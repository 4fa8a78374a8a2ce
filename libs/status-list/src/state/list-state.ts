import type { EncodedStatusList } from '../../../resource-server/src/status-list';

/** One list's statuses in memory, one byte per index until it is encoded. */
export class ListState {
  readonly statuses: Uint8Array;
  /** Changed since it was last published. */
  changed = true;
  /** The statuses as last encoded (draft §4.2). */
  encoded?: EncodedStatusList;

  constructor(readonly id: number, readonly capacity: number) {
    this.statuses = new Uint8Array(capacity);
  }

  set(idx: number, status: number): void {
    if (idx >= this.capacity || this.statuses[idx] === status) return;
    this.statuses[idx] = status;
    this.changed = true;
  }
}
