/**
 * The backend contract's table: every kernel of `Backend`, its arguments ("name:kind", in the method's order) and
 * which dtype each backend runs it in. From it follow the dtype checks of both backends (checked-kernels.ts), the
 * addon's expected exports and typed surface (native/native-binding.ts), and a test that the addon exports exactly
 * these kernels. The compiler checks each row against the Backend method (same arity, each kind matching the
 * parameter's type), so adding a kernel is a method in backend.ts, its JS kernel and a row here — and, when it is
 * native, one {name, fn} entry in native/addon.cc.
 */
import type { Backend, ComputeDType, FloatArray, GeluApproximation, GemmParams } from './backend.js';

/** Every Backend member but the identity and thread controls. */
export type KernelName = Exclude<keyof Backend, 'name' | 'isa' | 'getThreads' | 'setThreads'>;

/**
 * An argument: `floats` a FloatArray of the call's dtype (`floats?` the same or null), `ints` an Int32Array (ids,
 * labels, generator state; `ints?` the same or null), `int8s` an Int8Array (quantized values; `int8s?` the same or null), `gemm` GemmParams
 * (its epilogue arrays are floats), `number`, `flag`, `gelu` the form (`gelu?` the form or null: no activation),
 * `bf16s` a Uint16Array of bfloat16 bits.
 */
export type ArgKind = 'floats' | 'floats?' | 'ints' | 'ints?' | 'int8s' | 'int8s?' | 'bf16s' | 'number' | 'flag' | 'gelu' | 'gelu?' | 'gemm';

type KindOf<T> =
  [T] extends [FloatArray] ? 'floats' :
  [T] extends [FloatArray | null] ? 'floats?' :
  [T] extends [Int32Array] ? 'ints' :
  [T] extends [Int32Array | null] ? 'ints?' :
  [T] extends [Int8Array] ? 'int8s' :
  [T] extends [Int8Array | null] ? 'int8s?' :
  [T] extends [Uint16Array] ? 'bf16s' :
  [T] extends [number] ? 'number' :
  [T] extends [boolean] ? 'flag' :
  [T] extends [GeluApproximation] ? 'gelu' :
  [T] extends [GeluApproximation | null] ? 'gelu?' :
  [T] extends [GemmParams] ? 'gemm' : never;

/** Where a dtype runs on the native backend: the addon, or the JS reference kernel (declared, never silent). */
export type NativeRoute = 'addon' | 'js';

export interface KernelSpec<P extends readonly unknown[] = readonly unknown[]> {
  readonly args: { readonly [I in keyof P]: `${string}:${KindOf<P[I]>}` };
  /** dtypes the JS backend runs. */
  readonly js: readonly ComputeDType[];
  /** dtypes the native backend runs, and where; a dtype absent here is a DTypeError on native. */
  readonly native: { readonly [D in ComputeDType]?: NativeRoute };
}

/** Kernels of the autograd graph: float64 finite-difference checks run through them on either backend. */
const GRAPH = { js: ['float32', 'float64'], native: { float32: 'addon', float64: 'js' } } as const;
/** Optimizer and metric kernels: float32 only on native (float64 there is a mistake worth hearing about). */
const FLOAT32_NATIVE = { js: ['float32', 'float64'], native: { float32: 'addon' } } as const;
/** int8 inference kernels: int8 values with float32 scales, on both backends (no float64: nothing differentiates them). */
const INT8 = { js: ['float32'], native: { float32: 'addon' } } as const;
/** bfloat16 kernels (docs/quantization.md): bfloat16 bits beside float32 arrays, on both backends. */
const BF16 = { js: ['float32'], native: { float32: 'addon' } } as const;

export const KERNELS = {
  gemm: { args: ['c:floats', 'a:floats', 'b:floats', 'p:gemm'], ...GRAPH },
  addBiasInPlace: { args: ['x:floats', 'bias:floats', 'rows:number', 'cols:number'], ...GRAPH },
  sumRowsAccumulate: { args: ['dBias:floats', 'dy:floats', 'rows:number', 'cols:number'], ...GRAPH },
  axpby: { args: ['y:floats', 'x:floats', 'n:number', 'alpha:number', 'beta:number'], ...GRAPH },
  multiplyAccumulate: { args: ['out:floats', 'a:floats', 'b:floats', 'n:number', 'beta:number'], ...GRAPH },
  sumOfSquares: { args: ['x:floats', 'n:number'], ...FLOAT32_NATIVE },
  sumOfSquaresRows: { args: ['x:floats', 'rows:ints', 'count:number', 'cols:number', 'n:number'], ...FLOAT32_NATIVE },
  argmaxRows: { args: ['out:ints', 'x:floats', 'rows:number', 'cols:number'], ...FLOAT32_NATIVE },
  geluForward: { args: ['out:floats', 'x:floats', 'n:number', 'approximate:gelu'], ...GRAPH },
  geluBackward: { args: ['dx:floats', 'x:floats', 'dy:floats', 'n:number', 'approximate:gelu'], ...GRAPH },
  tanhForward: { args: ['out:floats', 'x:floats', 'n:number'], ...GRAPH },
  tanhBackward: { args: ['dx:floats', 'y:floats', 'dy:floats', 'n:number'], ...GRAPH },
  layerNormForward: {
    args: ['out:floats', 'sum:floats', 'mean:floats', 'rstd:floats', 'x:floats', 'residual:floats?', 'gamma:floats',
      'beta:floats', 'rows:number', 'cols:number', 'eps:number'],
    ...GRAPH,
  },
  layerNormBackward: {
    args: ['dx:floats', 'dGamma:floats', 'dBeta:floats', 'dy:floats', 'sum:floats', 'mean:floats', 'rstd:floats',
      'gamma:floats', 'rows:number', 'cols:number'],
    ...GRAPH,
  },
  softmaxForward: {
    args: ['probs:floats', 'scores:floats', 'mask:floats?', 'batch:number', 'heads:number', 'queries:number',
      'keys:number', 'scale:number'],
    ...GRAPH,
  },
  attentionForward: {
    args: ['context:floats', 'probs:floats', 'q:floats', 'k:floats', 'v:floats', 'mask:floats?', 'batch:number',
      'heads:number', 'seq:number', 'headDim:number', 'scale:number'],
    ...GRAPH,
  },
  attentionForwardPacked: {
    args: ['context:floats', 'probs:floats', 'q:floats', 'k:floats', 'v:floats', 'offsets:ints', 'count:number',
      'heads:number', 'headDim:number', 'scale:number'],
    ...GRAPH,
  },
  attentionTrainForward: {
    args: ['context:floats', 'probs:floats', 'dropMask:floats', 'q:floats', 'k:floats', 'v:floats', 'mask:floats?',
      'batch:number', 'heads:number', 'seq:number', 'headDim:number', 'scale:number', 'p:number', 'keepValue:number',
      'state:ints'],
    ...GRAPH,
  },
  attentionBackward: {
    args: ['dq:floats?', 'dk:floats?', 'dv:floats?', 'dContext:floats', 'probs:floats', 'dropMask:floats?', 'q:floats',
      'k:floats', 'v:floats', 'batch:number', 'heads:number', 'seq:number', 'headDim:number', 'scale:number'],
    ...GRAPH,
  },
  softmaxBackward: {
    args: ['dScores:floats', 'probs:floats', 'dProbs:floats', 'rows:number', 'keys:number', 'scale:number'], ...GRAPH,
  },
  dropoutForward: {
    args: ['out:floats', 'mask:floats', 'x:floats', 'n:number', 'p:number', 'keepValue:number', 'state:ints'], ...GRAPH,
  },
  embeddingForward: { args: ['out:floats', 'table:floats', 'ids:ints', 'n:number', 'dim:number'], ...GRAPH },
  embeddingBackward: {
    args: ['dTable:floats', 'dOut:floats', 'ids:ints', 'n:number', 'dim:number', 'paddingIdx:number'], ...GRAPH,
  },
  crossEntropyForward: {
    args: ['probs:floats', 'logits:floats', 'labels:ints', 'rows:number', 'classes:number', 'ignoreIndex:number'],
    ...GRAPH,
  },
  crossEntropyBackward: {
    args: ['dLogits:floats', 'probs:floats', 'labels:ints', 'rows:number', 'classes:number', 'ignoreIndex:number',
      'scale:number'],
    ...GRAPH,
  },
  quantizeRows: { args: ['q:int8s', 'scales:floats', 'x:floats', 'rows:number', 'cols:number', 'maxLevel:number'], ...INT8 },
  quantizeRowsAsymmetric: {
    args: ['q:int8s', 'scales:floats', 'offsets:ints', 'x:floats', 'rows:number', 'cols:number'], ...INT8,
  },
  int8PackedWeightBytes: { args: ['n:number', 'k:number', 'weightBits:number'], ...INT8 },
  int8PackWeight: { args: ['packed:int8s', 'b:int8s', 'n:number', 'k:number', 'weightBits:number'], ...INT8 },
  int8Gemm: {
    args: ['out:floats', 'a:int8s', 'aScales:floats', 'aOffsets:ints?', 'b:int8s', 'packedB:int8s?', 'bScales:floats',
      'bSums:ints?', 'bias:floats?', 'residual:floats?', 'm:number', 'n:number', 'k:number', 'gelu:gelu?'],
    ...INT8,
  },
  int8GemmDynamic: {
    args: ['out:floats', 'x:floats', 'b:int8s', 'packedB:int8s?', 'bScales:floats', 'bSums:ints', 'bias:floats?',
      'residual:floats?', 'm:number', 'n:number', 'k:number', 'gelu:gelu?'],
    ...INT8,
  },
  bf16Round: { args: ['out:bf16s', 'x:floats', 'n:number'], ...BF16 },
  bf16RoundSumRows: { args: ['out:bf16s', 'dBias:floats', 'dy:floats', 'rows:number', 'cols:number'], ...BF16 },
  bf16Gemm: { args: ['c:floats', 'a:bf16s', 'b:bf16s', 'p:gemm'], ...BF16 },
  adamwStep: {
    args: ['param:floats', 'm:floats', 'v:floats', 'grad:floats', 'n:number', 'lr:number', 'beta1:number',
      'beta2:number', 'eps:number', 'weightDecay:number', 'step:number', 'gradScale:number'],
    ...FLOAT32_NATIVE,
  },
} as const satisfies { readonly [K in KernelName]: KernelSpec<Parameters<Backend[K]>> };

export const KERNEL_NAMES = Object.keys(KERNELS) as readonly KernelName[];

/** Kernels the addon implements: those with a dtype routed to it. */
export type AddonKernelName = {
  [K in KernelName]: (typeof KERNELS)[K]['native'] extends { readonly float32: 'addon' } ? K : never;
}[KernelName];

export const ADDON_KERNEL_NAMES: readonly AddonKernelName[] = KERNEL_NAMES.filter(
  (name): name is AddonKernelName => Object.values(KERNELS[name].native).includes('addon'),
);
