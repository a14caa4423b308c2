/**
 * Catches unbounded allocations in the readers: typed arrays, ArrayBuffers, Buffers and Arrays above a per-input
 * limit throw an AllocationLimitError before any memory is taken. A reader that trusts a size field (a header
 * claiming 4 TB, a tensor expanded from one element to billions) is caught here even when the allocation would
 * have succeeded (lazily zeroed memory) or merely run the machine out of memory later. ArrayBuffer memory lies
 * outside the V8 heap, so the worker's resourceLimits alone would not see it.
 *
 * The global constructors are replaced by proxies that check the requested size and construct the original, so
 * `instanceof` and the classes' identities are unchanged for the library.
 */
export class AllocationLimitError extends Error {
  override readonly name = 'AllocationLimitError';
  constructor(readonly bytes: number, readonly limit: number, what: string) {
    super(`${what} asks for ${bytes} bytes, over the fuzz limit of ${limit}`);
  }
}

let limit = Infinity;

function check(bytes: number, what: string): void {
  if (bytes > limit) throw new AllocationLimitError(bytes, limit, what);
}

/** Runs `body` with allocations above `bytes` refused. */
export async function withAllocationLimit<T>(bytes: number, body: () => Promise<T>): Promise<T> {
  // A worker thread runs one input at a time, so the limit may span the body's awaits.
  const previous = limit;
  limit = bytes;
  try {
    return await body();
  } finally {
    limit = previous;
  }
}

const TYPED_ARRAYS = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array',
  'Float64Array', 'BigInt64Array', 'BigUint64Array',
] as const;

let installed = false;

/** Replaces the global constructors with checking proxies (once per thread). */
export function installAllocationGuard(): void {
  if (installed) return;
  installed = true;
  const globals = globalThis as unknown as Record<string, unknown>;
  const guard = (name: string, bytesPerElement: number): void => {
    const original = globals[name] as new (...args: unknown[]) => object;
    const proxy: object = new Proxy(original, {
      construct(target, args, newTarget) {
        const size = args[0];
        // new Uint8Array(buffer, offset, length) views existing memory; only a length allocates.
        if (typeof size === 'number') check(size * bytesPerElement, `new ${name}(${size})`);
        return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
      },
      apply(target, thisArg, args) {
        const size = args[0];
        if (name === 'Array' && args.length === 1 && typeof size === 'number') check(size * bytesPerElement, `Array(${size})`);
        return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, thisArg, args);
      },
    });
    globals[name] = proxy;
  };
  for (const name of TYPED_ARRAYS) guard(name, (globals[name] as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
  guard('ArrayBuffer', 1);
  // new Array(n) and Array.from({ length: n }) (which constructs through `this`): 8 bytes a slot.
  guard('Array', 8);
  for (const method of ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const) {
    const original = Buffer[method];
    Buffer[method] = new Proxy(original, {
      apply(target, thisArg, args: unknown[]) {
        if (typeof args[0] === 'number') check(args[0], `Buffer.${method}(${args[0]})`);
        return Reflect.apply(target, thisArg, args) as Buffer;
      },
    }) as typeof original;
  }
}
