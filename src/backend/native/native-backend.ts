/**
 * The native Backend: each kernel runs in the addon (argument checks and kernels in native/) for the dtypes the
 * kernel table routes there, in the JS reference kernel where the table declares that (float64 through the graph
 * kernels, for finite-difference tests), and is a DTypeError otherwise (checked-kernels.ts).
 */
import type { Backend, FloatArray, GemmParams, GeluApproximation } from '../backend.js';
import { checkedNativeKernels, type Kernels } from '../checked-kernels.js';
import { jsKernels } from '../js/js-backend.js';
import { ADDON_KERNEL_NAMES, type KernelName } from '../kernel-table.js';
import type { GemmArguments, NativeBinding } from './native-binding.js';

/** The native kernel tables (native/cpu-features.cc), best first. */
export const NATIVE_ISAS = ['avx512amx', 'avx512bf16', 'avx512vnni', 'avx512', 'avx2vnni', 'avx2', 'generic'] as const;
export type NativeIsa = (typeof NATIVE_ISAS)[number];

/** A Backend plus the ISA controls the parity tests and `tsbert bench` use. */
export interface NativeBackend extends Backend {
  readonly name: 'native';
  /** ISAs this CPU can run, best first. */
  supportedIsas(): NativeIsa[];
  /** Switch the kernels (all later calls, process-wide); throws a TypeError if this CPU cannot run `isa`. */
  setIsa(isa: NativeIsa): void;
}

export function isNativeIsa(s: string): s is NativeIsa {
  return (NATIVE_ISAS as readonly string[]).includes(s);
}

/** gemm's epilogue arrays as the addon takes them (only float32 calls reach it: the check routed by dtype). */
function float32OrNull(x: FloatArray | undefined): Float32Array | null {
  return (x ?? null) as Float32Array | null;
}

/** GemmParams spread as the addon's gemm and bf16Gemm take them. */
function gemmArguments(p: GemmParams): GemmArguments {
  return [p.transA, p.transB, p.m, p.n, p.k, p.lda, p.ldb, p.ldc, p.alpha, p.beta, p.batch, p.strideA, p.strideB,
    p.strideC, float32OrNull(p.epilogue?.bias), activationCode(p.epilogue?.gelu), float32OrNull(p.epilogue?.preActivation)];
}

/** The addon's epilogue activation code (native/kernels.h's Activation): 0 none, 1 GELU (erf), 2 GELU (tanh). */
function activationCode(gelu: GeluApproximation | undefined): number {
  return gelu === undefined ? 0 : gelu === 'tanh' ? 2 : 1;
}

/**
 * The addon's kernels under their Backend names. Only float32 calls reach them (checked-kernels.ts routes by the
 * dtype the table gives the addon), so the binding's Float32Array parameters hold.
 */
function addonKernels(binding: NativeBinding): Partial<Kernels> {
  const kernels: Partial<Record<KernelName, unknown>> = {};
  for (const name of ADDON_KERNEL_NAMES) kernels[name] = binding[name];
  kernels.gemm = (c: Float32Array, a: Float32Array, b: Float32Array, p: GemmParams): void => binding.gemm(c, a, b, ...gemmArguments(p));
  kernels.bf16Gemm = (c: Float32Array, a: Uint16Array, b: Uint16Array, p: GemmParams): void => binding.bf16Gemm(c, a, b, ...gemmArguments(p));
  kernels.int8Gemm = (
    out: Float32Array, a: Int8Array, aScales: Float32Array, aOffsets: Int32Array | null, b: Int8Array, packedB: Int8Array | null,
    bScales: Float32Array, bSums: Int32Array | null, bias: Float32Array | null, residual: Float32Array | null, m: number, n: number,
    k: number, gelu: GeluApproximation | null,
  ): void => binding.int8Gemm(out, a, aScales, aOffsets, b, packedB, bScales, bSums, bias, residual, m, n, k,
    activationCode(gelu ?? undefined));
  kernels.int8GemmDynamic = (
    out: Float32Array, x: Float32Array, b: Int8Array, packedB: Int8Array | null, bScales: Float32Array, bSums: Int32Array,
    bias: Float32Array | null, residual: Float32Array | null, m: number, n: number, k: number, gelu: GeluApproximation | null,
  ): void => binding.int8GemmDynamic(out, x, b, packedB, bScales, bSums, bias, residual, m, n, k, activationCode(gelu ?? undefined));
  kernels.geluForward = (out: Float32Array, x: Float32Array, n: number, approximate: GeluApproximation): void =>
    binding.geluForward(out, x, n, approximate === 'tanh');
  kernels.geluBackward = (dx: Float32Array, x: Float32Array, dy: Float32Array, n: number, approximate: GeluApproximation): void =>
    binding.geluBackward(dx, x, dy, n, approximate === 'tanh');
  return kernels as Partial<Kernels>;
}

export function createNativeBackend(binding: NativeBinding): NativeBackend {
  return {
    name: 'native',
    get isa(): string {
      return binding.getIsa();
    },
    getThreads: () => binding.getThreads(),
    setThreads: (threads: number) => binding.setThreads(threads),
    supportedIsas: () => binding.supportedIsas().split(',').filter(isNativeIsa),
    setIsa: (isa: NativeIsa) => binding.setIsa(isa),
    ...checkedNativeKernels(addonKernels(binding), jsKernels),
  };
}
