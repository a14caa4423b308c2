/**
 * Buffer reuse across training steps. Every fresh large typed array costs page faults on first touch (they took
 * ~45% of a PyTorch training step's CPU time on these machines until allocations were reused), so the tensors a
 * step creates take their memory from an Arena, and `arena.reset()` at the start of the next step hands the same
 * buffers out again. Outside an arena (parameters, results kept by the caller) allocation is plain `new`.
 */
import { DTYPES, newBuffer, type DType, type DTypeArrays, type TensorData } from './dtype.js';
import { runScoped } from './scope.js';

export { newBuffer, POISON_INT32 } from './dtype.js';

/**
 * Buffers are kept in size classes an eighth of a power of two apart, so sizes that change a little from step to
 * step (the MLM logits follow the number of masked positions) still reuse memory; at most 12.5% is unused.
 */
export function sizeClass(length: number): number {
  if (length <= 4096) return length;
  const step = 2 ** (Math.floor(Math.log2(length)) - 3);
  return Math.ceil(length / step) * step;
}

/** Arenas made from now on poison on reset (see ArenaOptions.poisonOnReset); tests switch it on. */
let poisonByDefault = false;

export function setArenaDebug(on: boolean): void {
  poisonByDefault = on;
}

export interface ArenaOptions {
  /**
   * Debug mode: reset() fills every recycled buffer with its dtype's poison (NaN; int32: POISON_INT32), so a tensor read after its
   * arena was recycled — a result kept past the next step — shows up as NaN instead of silently reading the next
   * step's numbers. A buffer handed out again unzeroed keeps the poison, so an op that leaves elements unwritten
   * shows up too. Costs a pass over the step's memory per reset.
   */
  poisonOnReset?: boolean;
}

export class Arena {
  private readonly free = new Map<string, TensorData[]>();
  private used: { key: string; dtype: DType; buffer: TensorData }[] = [];
  readonly poisonOnReset: boolean;

  constructor(options: ArenaOptions = {}) {
    this.poisonOnReset = options.poisonOnReset ?? poisonByDefault;
  }

  allocate<D extends DType>(dtype: D, length: number, zeroed: boolean): DTypeArrays[D] {
    const capacity = sizeClass(length);
    const key = `${dtype}:${capacity}`;
    const recycled = this.free.get(key)?.pop();
    // The key holds the dtype, so a recycled buffer under it is this dtype's array.
    const buffer = recycled === undefined ? newBuffer(dtype, capacity) : (recycled as DTypeArrays[D]);
    this.used.push({ key, dtype, buffer });
    const view = capacity === length ? buffer : (buffer.subarray(0, length) as DTypeArrays[D]);
    if (zeroed && recycled !== undefined) view.fill(0);
    return view;
  }

  /** Every buffer handed out since the last reset becomes reusable; tensors built on them must not be read again. */
  reset(): void {
    for (const { key, dtype, buffer } of this.used) {
      if (this.poisonOnReset) buffer.fill(DTYPES[dtype].poison);
      let list = this.free.get(key);
      if (list === undefined) {
        list = [];
        this.free.set(key, list);
      }
      list.push(buffer);
    }
    this.used = [];
  }

  /** Bytes held, in use or free. */
  bytes(): number {
    let total = 0;
    for (const { buffer } of this.used) total += buffer.byteLength;
    for (const list of this.free.values()) for (const buffer of list) total += buffer.byteLength;
    return total;
  }
}

let activeArena: Arena | null = null;

/** Allocation for op outputs and gradients: from the active arena if there is one. */
export function allocate<D extends DType>(dtype: D, length: number, zeroed = true): DTypeArrays[D] {
  return activeArena === null ? newBuffer(dtype, length) : activeArena.allocate(dtype, length, zeroed);
}

/** The arena serving op allocations now (null: plain `new`). */
export function currentArena(): Arena | null {
  return activeArena;
}

/**
 * Runs fn with `arena` serving every op allocation (null: none); the outer arena is restored when fn returns or
 * throws. Synchronous, as noGrad (see scope.ts).
 */
export function withArena<T>(arena: Arena | null, fn: () => T): T {
  return runScoped('withArena', currentArena, (inner) => { activeArena = inner; }, arena, fn);
}
