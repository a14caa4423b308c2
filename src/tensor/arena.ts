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

export class Arena {
  private readonly free = new Map<string, TypedData[]>();
  private used: { key: string; buffer: TypedData }[] = [];

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
