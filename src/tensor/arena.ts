/**
 * Buffer reuse across training steps. Every fresh large typed array costs page faults on first touch (they took
 * ~45% of a PyTorch training step's CPU time on these machines until allocations were reused), so the tensors a
 * step creates take their memory from an Arena, and `arena.reset()` at the start of the next step hands the same
 * buffers out again. Outside an arena (parameters, results kept by the caller) allocation is plain `new`.
 */
export type FloatDType = 'float32' | 'float64';
export type DType = FloatDType | 'int32';
export type TypedData = Float32Array | Float64Array | Int32Array;

/**
 * Buffers are kept in size classes an eighth of a power of two apart, so sizes that change a little from step to
 * step (the MLM logits follow the number of masked positions) still reuse memory; at most 12.5% is unused.
 */
export function sizeClass(length: number): number {
  if (length <= 4096) return length;
  const step = 2 ** (Math.floor(Math.log2(length)) - 3);
  return Math.ceil(length / step) * step;
}

/** What a recycled buffer is filled with in debug mode: NaN for floats, the most negative int32 (no valid id). */
export const POISON_INT32 = -2147483648;

/** Arenas made from now on poison on reset (see ArenaOptions.poisonOnReset); tests switch it on. */
let poisonByDefault = false;

export function setArenaDebug(on: boolean): void {
  poisonByDefault = on;
}

export interface ArenaOptions {
  /**
   * Debug mode: reset() fills every recycled buffer with NaN (int32: POISON_INT32), so a tensor read after its
   * arena was recycled — a result kept past the next step — shows up as NaN instead of silently reading the next
   * step's numbers. A buffer handed out again unzeroed keeps the poison, so an op that leaves elements unwritten
   * shows up too. Costs a pass over the step's memory per reset.
   */
  poisonOnReset?: boolean;
}

export class Arena {
  private readonly free = new Map<string, TypedData[]>();
  private used: { key: string; buffer: TypedData }[] = [];
  readonly poisonOnReset: boolean;

  constructor(options: ArenaOptions = {}) {
    this.poisonOnReset = options.poisonOnReset ?? poisonByDefault;
  }

  allocate(dtype: DType, length: number, zeroed: boolean): TypedData {
    const capacity = sizeClass(length);
    const key = `${dtype}:${capacity}`;
    let buffer = this.free.get(key)?.pop();
    const fresh = buffer === undefined;
    buffer ??= newBuffer(dtype, capacity);
    this.used.push({ key, buffer });
    const view = capacity === length ? buffer : buffer.subarray(0, length);
    if (zeroed && !fresh) view.fill(0);
    return view;
  }

  /** Every buffer handed out since the last reset becomes reusable; tensors built on them must not be read again. */
  reset(): void {
    for (const { key, buffer } of this.used) {
      if (this.poisonOnReset) buffer.fill(buffer instanceof Int32Array ? POISON_INT32 : NaN);
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

export function newBuffer(dtype: DType, length: number): TypedData {
  switch (dtype) {
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
    case 'int32': return new Int32Array(length);
  }
}

/** Allocation for op outputs and gradients: from the active arena if there is one. */
export function allocate(dtype: DType, length: number, zeroed = true): TypedData {
  return activeArena === null ? newBuffer(dtype, length) : activeArena.allocate(dtype, length, zeroed);
}

/** Runs fn with `arena` serving every op allocation; nesting restores the outer arena. */
export function withArena<T>(arena: Arena | null, fn: () => T): T {
  const outer = activeArena;
  activeArena = arena;
  try {
    return fn();
  } finally {
    activeArena = outer;
  }
}
