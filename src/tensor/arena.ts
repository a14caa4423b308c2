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
  /**
   * A free buffer up to this many times the requested size may serve it (default 2). Inference over batches sorted
   * longest first asks for ever smaller buffers: a larger factor serves a window's shrinking batches from the first
   * batch's buffers instead of allocating fresh ones (page faults, and V8 collecting for the external memory).
   */
  maxOversize?: number;
}

/**
 * A reset() after which a free buffer nobody took is dropped (left to the garbage collector). Fine-tuning pads each
 * batch to its own longest sequence, so step shapes vary: kept forever, the buffers of every shape ever seen added up
 * to many times one step's memory (5 GB for BERT-mini on Brown sentences). Training at a fixed shape reuses every
 * buffer each step and never drops one.
 */
const IDLE_RESETS = 4;
/** A free buffer up to this many times the requested size may serve it (a shorter batch after a longer one). */
const MAX_OVERSIZE = 2;

interface FreeBuffer {
  buffer: TensorData;
  /** The reset() that released it. */
  released: number;
}

export class Arena {
  /** Free buffers by dtype, then by capacity (a size class). */
  private readonly free = new Map<DType, Map<number, FreeBuffer[]>>();
  private used: { dtype: DType; capacity: number; buffer: TensorData }[] = [];
  private resets = 0;
  readonly poisonOnReset: boolean;
  private readonly maxOversize: number;

  constructor(options: ArenaOptions = {}) {
    this.poisonOnReset = options.poisonOnReset ?? poisonByDefault;
    this.maxOversize = options.maxOversize ?? MAX_OVERSIZE;
  }

  allocate<D extends DType>(dtype: D, length: number, zeroed: boolean): DTypeArrays[D] {
    const wanted = sizeClass(length);
    const recycled = this.takeFree(dtype, wanted);
    // Free lists are kept per dtype, so a recycled buffer is this dtype's array.
    const buffer = recycled === undefined ? newBuffer(dtype, wanted) : (recycled as DTypeArrays[D]);
    this.used.push({ dtype, capacity: buffer.length, buffer });
    const view = buffer.length === length ? buffer : (buffer.subarray(0, length) as DTypeArrays[D]);
    if (zeroed && recycled !== undefined) view.fill(0);
    return view;
  }

  /** A free buffer of exactly `capacity`, else the smallest one up to maxOversize times it. */
  private takeFree(dtype: DType, capacity: number): TensorData | undefined {
    const byCapacity = this.free.get(dtype);
    if (byCapacity === undefined) return undefined;
    let best = byCapacity.get(capacity)?.length ? capacity : undefined;
    if (best === undefined) {
      for (const [size, list] of byCapacity) {
        if (list.length > 0 && size > capacity && size <= this.maxOversize * capacity && (best === undefined || size < best)) best = size;
      }
    }
    return best === undefined ? undefined : byCapacity.get(best)!.pop()!.buffer;
  }

  /** Every buffer handed out since the last reset becomes reusable; tensors built on them must not be read again. */
  reset(): void {
    this.resets++;
    for (const { dtype, capacity, buffer } of this.used) {
      if (this.poisonOnReset) buffer.fill(DTYPES[dtype].poison);
      let byCapacity = this.free.get(dtype);
      if (byCapacity === undefined) this.free.set(dtype, (byCapacity = new Map()));
      let list = byCapacity.get(capacity);
      if (list === undefined) byCapacity.set(capacity, (list = []));
      list.push({ buffer, released: this.resets });
    }
    this.used = [];
    for (const byCapacity of this.free.values()) {
      for (const [capacity, list] of byCapacity) {
        const kept = list.filter((entry) => this.resets - entry.released < IDLE_RESETS);
        if (kept.length === 0) byCapacity.delete(capacity);
        else if (kept.length !== list.length) byCapacity.set(capacity, kept);
      }
    }
  }

  /** Bytes held, in use or free. */
  bytes(): number {
    let total = 0;
    for (const { buffer } of this.used) total += buffer.byteLength;
    for (const byCapacity of this.free.values()) for (const list of byCapacity.values()) for (const { buffer } of list) total += buffer.byteLength;
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
