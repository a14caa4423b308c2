/**
 * The reference backend: plain TypeScript loops over Float32Array or Float64Array. Slow, obviously correct, and
 * the oracle the native kernels are tested against. It runs anywhere Node runs.
 */
import type { Backend } from '../backend.js';
import { checkedJsKernels, type Kernels } from '../checked-kernels.js';
import { adamwStep } from './adamw.js';
import { attentionBackward, attentionForward, attentionForwardPacked, attentionTrainForward } from './attention.js';
import { addBiasInPlace, geluBackward, geluForward, sumRowsAccumulate, tanhBackward, tanhForward } from './activations.js';
import { bf16Gemm, bf16Round, bf16RoundSumRows } from './bfloat16.js';
import { crossEntropyBackward, crossEntropyForward } from './cross-entropy.js';
import { dropoutForward } from './dropout.js';
import { argmaxRows, axpby, multiplyAccumulate, sumOfSquares, sumOfSquaresRows } from './elementwise.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { gemmReference } from './gemm.js';
import { int8Gemm, int8GemmDynamic, int8PackedWeightBytes, int8PackWeight } from './int8-gemm.js';
import { layerNormBackward, layerNormForward } from './layer-norm.js';
import { quantizeRows, quantizeRowsAsymmetric } from './quantize-rows.js';
import { softmaxBackward, softmaxForward } from './softmax.js';

/** The kernels unchecked: the native backend runs the float64 calls the kernel table routes to JS through these. */
export const jsKernels: Kernels = {
  gemm: gemmReference,
  addBiasInPlace,
  sumRowsAccumulate,
  axpby,
  multiplyAccumulate,
  sumOfSquares,
  sumOfSquaresRows,
  argmaxRows,
  geluForward,
  geluBackward,
  tanhForward,
  tanhBackward,
  layerNormForward,
  layerNormBackward,
  softmaxForward,
  softmaxBackward,
  attentionForward,
  attentionForwardPacked,
  attentionTrainForward,
  attentionBackward,
  dropoutForward,
  embeddingForward,
  embeddingBackward,
  crossEntropyForward,
  crossEntropyBackward,
  quantizeRows,
  quantizeRowsAsymmetric,
  int8PackedWeightBytes,
  int8PackWeight,
  int8Gemm,
  int8GemmDynamic,
  bf16Round,
  bf16RoundSumRows,
  bf16Gemm,
  adamwStep,
};

export const jsBackend: Backend = {
  name: 'js',
  isa: 'js',
  getThreads: () => 1,
  setThreads: () => {},
  ...checkedJsKernels(jsKernels),
};
