/**
 * The kernels of a backend as kernel-table.ts declares them: each call finds its dtype from its float arrays (all
 * must agree), checks its Int32Array arguments, and runs the implementation the table routes that dtype to — or
 * throws a DTypeError naming the backend, kernel, argument and dtype. The check reads a few array classes per call,
 * nothing per element, so it costs nothing next to a kernel. Sizes are checked by the kernels (the addon's glue).
 */
import { BackendError, DTypeError } from '../errors.js';
import type { Backend, ComputeDType } from './backend.js';
import { KERNEL_NAMES, KERNELS, type ArgKind, type KernelName, type NativeRoute } from './kernel-table.js';

export type Kernels = Pick<Backend, KernelName>;

interface Slot {
  readonly index: number;
  readonly name: string;
  readonly kind: ArgKind;
}

/** A table row read once: the argument positions the check looks at. */
interface CompiledSpec {
  readonly checked: readonly Slot[];
}

function compile(name: KernelName): CompiledSpec {
  const checked: Slot[] = [];
  KERNELS[name].args.forEach((arg: string, index: number) => {
    const [argName = '', kind = ''] = arg.split(':');
    if (kind === 'floats' || kind === 'floats?' || kind === 'ints' || kind === 'ints?' || kind === 'int8s' || kind === 'int8s?' || kind === 'bf16s' || kind === 'gemm') checked.push({ index, name: argName, kind });
  });
  return { checked };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor.name;
  return typeof value;
}

function floatDType(value: unknown): ComputeDType | undefined {
  return value instanceof Float32Array ? 'float32' : value instanceof Float64Array ? 'float64' : undefined;
}

/** Folds one float argument into the call's dtype. */
function agree(where: string, argName: string, value: unknown, dtype: ComputeDType | undefined): ComputeDType {
  const own = floatDType(value);
  if (own === undefined) throw new DTypeError(`${where}: ${argName} must be a Float32Array or Float64Array, got ${describe(value)}`);
  if (dtype !== undefined && own !== dtype) throw new DTypeError(`${where}: ${argName} is ${own} but the call's other arrays are ${dtype}`);
  return own;
}

/** The call's dtype, or a DTypeError for a wrong array. A call with no float array (none today) counts as float32. */
function callDType(where: string, spec: CompiledSpec, args: ArrayLike<unknown>): ComputeDType {
  let dtype: ComputeDType | undefined;
  const checked = spec.checked;
  for (let i = 0; i < checked.length; i++) {
    const { index, name, kind } = checked[i]!;
    const value = args[index];
    if (kind === 'floats' || (kind === 'floats?' && value !== null)) {
      dtype = agree(where, name, value, dtype);
    } else if (kind === 'ints' || (kind === 'ints?' && value !== null)) {
      if (!(value instanceof Int32Array)) throw new DTypeError(`${where}: ${name} must be an Int32Array${kind === 'ints?' ? ' or null' : ''}, got ${describe(value)}`);
    } else if (kind === 'int8s' || (kind === 'int8s?' && value !== null)) {
      if (!(value instanceof Int8Array)) throw new DTypeError(`${where}: ${name} must be an Int8Array${kind === 'int8s?' ? ' or null' : ''}, got ${describe(value)}`);
    } else if (kind === 'bf16s') {
      if (!(value instanceof Uint16Array)) throw new DTypeError(`${where}: ${name} must be a Uint16Array of bfloat16 bits, got ${describe(value)}`);
    } else if (kind === 'gemm' && typeof value === 'object' && value !== null) {
      const epilogue: unknown = Reflect.get(value, 'epilogue');
      if (typeof epilogue === 'object' && epilogue !== null) {
        for (const part of ['bias', 'preActivation']) {
          const array: unknown = Reflect.get(epilogue, part);
          if (array !== undefined) dtype = agree(where, `${name}.epilogue.${part}`, array, dtype);
        }
      }
    }
  }
  return dtype ?? 'float32';
}

type KernelFn = (...args: never[]) => unknown;

/**
 * Builds a backend's checked kernels: `route(name, dtype)` says which implementation runs that dtype (undefined:
 * unsupported, with `supported` listed in the error).
 */
function checkedKernels(
  backend: Backend['name'],
  route: (name: KernelName, dtype: ComputeDType) => KernelFn | undefined,
  supported: (name: KernelName) => string,
): Kernels {
  const kernels: Partial<Record<KernelName, KernelFn>> = {};
  for (const name of KERNEL_NAMES) {
    const spec = compile(name);
    const where = `${backend} ${name}`;
    const float32 = route(name, 'float32'), float64 = route(name, 'float64');
    // `arguments` forwarded through apply, not rest parameters: V8 then passes them on without building an array.
    kernels[name] = function checked(): unknown {
      const dtype = callDType(where, spec, arguments);
      const kernel = dtype === 'float32' ? float32 : float64;
      if (kernel === undefined) throw new DTypeError(`${where}: ${dtype} is not supported (it runs ${supported(name)}; see backend/kernel-table.ts)`);
      return Reflect.apply(kernel, undefined, arguments);
    };
  }
  // Every name of the table was filled in above, each with the arguments of its Backend method.
  return kernels as Kernels;
}

/** The JS backend's kernels: the reference implementation for every dtype the table lists under `js`. */
export function checkedJsKernels(js: Kernels): Kernels {
  const spec = (name: KernelName): readonly ComputeDType[] => KERNELS[name].js;
  return checkedKernels(
    'js', (name, dtype) => (spec(name).includes(dtype) ? js[name] : undefined), (name) => spec(name).join(', '),
  );
}

/**
 * The native backend's kernels: each dtype to the addon or the JS kernel as the table routes it. A kernel the
 * table routes to the addon but `addon` lacks is an error here, at load, not at its first call.
 */
export function checkedNativeKernels(addon: Partial<Kernels>, js: Kernels): Kernels {
  const routeOf = (name: KernelName, dtype: ComputeDType): NativeRoute | undefined => {
    const routes: { readonly [D in ComputeDType]?: NativeRoute } = KERNELS[name].native;
    return routes[dtype];
  };
  return checkedKernels(
    'native',
    (name, dtype) => {
      const to = routeOf(name, dtype);
      if (to === 'js') return js[name];
      if (to === undefined) return undefined;
      const kernel = addon[name];
      if (kernel === undefined) throw new BackendError(`native ${name}: the kernel table routes ${dtype} to the addon, which lacks it`);
      return kernel;
    },
    (name) => Object.entries(KERNELS[name].native).map(([dtype, to]) => (to === 'addon' ? dtype : `${dtype} via JS`)).join(', '),
  );
}
