/**
 * The typed surface of build/Release/tsbert_native.node (native/addon.cc), following the kernel table: each kernel
 * the table routes to the addon takes its Backend method's arguments with every float array a Float32Array, except
 * gemm (GemmParams spread into positional arguments) and the GELU kernels (the form as a boolean), whose
 * adaptation native-backend.ts writes. Every call checks its arrays against the sizes and throws a TypeError
 * rather than read or write out of bounds.
 */
import type { Backend, FloatArray } from '../backend.js';
import { ADDON_KERNEL_NAMES, type AddonKernelName } from '../kernel-table.js';

type Float32Only<T> = T extends FloatArray ? Float32Array : T;
type AddonSignature<F> = F extends (...args: infer P) => infer R ? (...args: { [I in keyof P]: Float32Only<P[I]> }) => R : never;

/** Kernels whose addon arguments differ from their Backend method's. */
type AdaptedKernel = 'gemm' | 'bf16Gemm' | 'geluForward' | 'geluBackward' | 'int8Gemm' | 'int8GemmDynamic';

/** GemmParams as the addon's gemm and bf16Gemm take them, after c, a and b; activation: 0 none, 1 GELU, 2 GELU (tanh). */
export type GemmArguments = [
  transA: boolean, transB: boolean, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
  alpha: number, beta: number, batch: number, strideA: number, strideB: number, strideC: number,
  bias: Float32Array | null, activation: number, preActivation: Float32Array | null,
];

export type NativeBinding = { [K in Exclude<AddonKernelName, AdaptedKernel>]: AddonSignature<Backend[K]> } & {
  gemm(c: Float32Array, a: Float32Array, b: Float32Array, ...params: GemmArguments): void;
  bf16Gemm(c: Float32Array, a: Uint16Array, b: Uint16Array, ...params: GemmArguments): void;
  /** activation: 0 none, 1 GELU (erf), 2 GELU (tanh). */
  int8Gemm(
    out: Float32Array, a: Int8Array, aScales: Float32Array, aOffsets: Int32Array | null, b: Int8Array,
    packedB: Int8Array | null, bScales: Float32Array, bSums: Int32Array | null, bias: Float32Array | null,
    residual: Float32Array | null, m: number, n: number, k: number, activation: number,
  ): void;
  int8GemmDynamic(
    out: Float32Array, x: Float32Array, b: Int8Array, packedB: Int8Array | null, bScales: Float32Array, bSums: Int32Array,
    bias: Float32Array | null, residual: Float32Array | null, m: number, n: number, k: number, activation: number,
  ): void;
  geluForward(out: Float32Array, x: Float32Array, n: number, tanhApproximation: boolean): void;
  geluBackward(dx: Float32Array, x: Float32Array, dy: Float32Array, n: number, tanhApproximation: boolean): void;
  getThreads(): number;
  setThreads(threads: number): void;
  /** One of NATIVE_ISAS (native-backend.ts). */
  getIsa(): string;
  /** Switches the kernels (for testing the other paths); throws if this CPU cannot run `isa`. */
  setIsa(isa: string): void;
  /** Comma-separated, best first: "avx512bf16,avx512vnni,avx512,avx2,generic". */
  supportedIsas(): string;
};

const CONTROL_FUNCTIONS = ['getThreads', 'setThreads', 'getIsa', 'setIsa', 'supportedIsas'] as const;

/** Every function the addon exports, and nothing else: the kernel table's addon kernels and the controls. */
export const BINDING_FUNCTIONS: readonly (keyof NativeBinding)[] = [...ADDON_KERNEL_NAMES, ...CONTROL_FUNCTIONS];

/** Narrows what `require` returned: an addon from another build (a missing function) is rejected up front. */
export function isNativeBinding(value: unknown): value is NativeBinding {
  if (typeof value !== 'object' || value === null) return false;
  return BINDING_FUNCTIONS.every((name) => typeof Reflect.get(value, name) === 'function');
}

/** Names of the functions `value` lacks (for the load error). */
export function missingBindingFunctions(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [...BINDING_FUNCTIONS];
  return BINDING_FUNCTIONS.filter((name) => typeof Reflect.get(value, name) !== 'function');
}
