/**
 * Memory a fuzz worker shares with its supervisor. Readers are synchronous, so a worker stuck in one cannot answer
 * messages; through this buffer the supervisor still sees how far it got (a heartbeat that stops moving is a hang),
 * which input it is on, and its counts per target, even after it has been terminated.
 */
export const COUNTERS = ['inputs', 'identical', 'changed', 'rejected', 'crashes', 'slowestMs'] as const;
export type Counter = (typeof COUNTERS)[number];

const HEARTBEAT = 0;
const CURRENT_TARGET = 1;
const DESCRIPTION_BYTES = 2;
const READY = 3;
const FIXED_SLOTS = 8;
const DESCRIPTION_CAPACITY = 8192;

export interface StatusBuffers {
  counters: SharedArrayBuffer;
  description: SharedArrayBuffer;
}

export function newStatusBuffers(targets: number): StatusBuffers {
  return {
    counters: new SharedArrayBuffer(4 * (FIXED_SLOTS + targets * COUNTERS.length)),
    description: new SharedArrayBuffer(DESCRIPTION_CAPACITY),
  };
}

export class Status {
  private readonly slots: Int32Array;
  private readonly text: Uint8Array;

  constructor(buffers: StatusBuffers) {
    this.slots = new Int32Array(buffers.counters);
    this.text = new Uint8Array(buffers.description);
  }

  /** Worker: about to read the input of target `t` written at `path`, made as `description` says (seed, edits). */
  begin(t: number, path: string, description: string): void {
    const { written } = new TextEncoder().encodeInto(`${path}\n${description}`, this.text);
    Atomics.store(this.slots, DESCRIPTION_BYTES, written);
    Atomics.store(this.slots, CURRENT_TARGET, t);
    this.add(t, 'inputs', 1);
    Atomics.add(this.slots, HEARTBEAT, 1);
  }

  add(t: number, counter: Counter, amount: number): void {
    Atomics.add(this.slots, this.slot(t, counter), amount);
  }

  raiseTo(t: number, counter: Counter, value: number): void {
    const slot = this.slot(t, counter);
    if (value > Atomics.load(this.slots, slot)) Atomics.store(this.slots, slot, value);
  }

  markReady(): void {
    Atomics.store(this.slots, READY, 1);
  }

  get ready(): boolean {
    return Atomics.load(this.slots, READY) === 1;
  }

  get heartbeat(): number {
    return Atomics.load(this.slots, HEARTBEAT);
  }

  get currentTarget(): number {
    return Atomics.load(this.slots, CURRENT_TARGET);
  }

  /** The input being read: its file and how it was made. */
  get current(): { path: string; description: string } {
    const text = new TextDecoder().decode(this.text.slice(0, Atomics.load(this.slots, DESCRIPTION_BYTES)));
    const newline = text.indexOf('\n');
    return { path: text.slice(0, newline), description: text.slice(newline + 1) };
  }

  count(t: number, counter: Counter): number {
    return Atomics.load(this.slots, this.slot(t, counter));
  }

  private slot(t: number, counter: Counter): number {
    return FIXED_SLOTS + t * COUNTERS.length + COUNTERS.indexOf(counter);
  }
}
