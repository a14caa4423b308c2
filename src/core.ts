/**
 * The core of tsbert, for any JavaScript host (a browser bundle, a worker, Node): tensors and autograd, the JS
 * backend, BERT and its heads built from a config and loaded from bytes, the tokenizers built from vocab or
 * tokenizer.json text, the pipelines (pipeline(task, model)) and the evaluation metrics. It imports no Node built-in
 * (test/browser-bundle.test.ts bundles it for the browser to keep it so): paths reach files only through an
 * installed FileAccess, which the Node entry (src/index.ts) provides together with the native backend.
 */
export * from './errors.js';
export type { Backend, FloatArray, GemmParams } from './backend/backend.js';
export { jsBackend } from './backend/js/js-backend.js';
export {
  backendInfo, getBackend, setBackend, setBackendChooser, withBackend, type BackendChoice, type BackendInfo,
} from './backend/select.js';
export { Tensor, backward, noGrad, withGrad } from './tensor/tensor.js';
export { autocast, type Precision } from './ops/autocast.js';
export { DTYPES, isDType, type DType, type QuantScales, type TensorData } from './tensor/dtype.js';
export { Rng } from './tensor/rng.js';
export { Arena, withArena } from './tensor/arena.js';
export * as ops from './ops/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export * from './model/index.js';
export {
  parseSafetensors, serializeSafetensors, SafetensorsFile, type SafetensorsDType, type SafetensorsTensor,
} from './io/safetensors-format.js';
export { toFloat32, toInt32 } from './io/tensor-conversions.js';
export type { LoadingInfo } from './io/model-folder.js';
export { setFileAccess, type FileAccess, type FileRole, type TensorSource } from './io/file-access.js';
export { setWarningSink, type WarningSink } from './warnings.js';
export * from './tokenizer/index.js';
export {
  pipeline, createPipeline, PIPELINE_TASKS, PIPELINE_TASK_ALIASES, type AnyPipeline, type PipelineFor, type PipelineOptions,
  type PipelineTask,
} from './pipelines/pipeline.js';
export { Pipeline, CALL_BATCH_SIZE, type BatchPipeline } from './pipelines/pipeline-base.js';
export { TextPipeline } from './pipelines/text-pipeline.js';
export { FillMaskPipeline, type FillMaskCallOptions, type FillMaskOutput, type FillMaskResult } from './pipelines/fill-mask.js';
export {
  TextClassificationPipeline, type ClassificationFunction, type TextClassificationCallOptions, type TextClassificationInput,
  type TextClassificationResult,
} from './pipelines/text-classification.js';
export {
  TokenClassificationPipeline, type AggregationStrategy, type EntityGroup, type TokenClassificationCallOptions,
  type TokenClassificationOutput, type TokenEntity,
} from './pipelines/token-classification.js';
export {
  QuestionAnsweringPipeline, type QaAnswer, type QaInput, type QuestionAnsweringCallOptions, type QuestionAnsweringOutput,
} from './pipelines/question-answering.js';
export { FeatureExtractionPipeline, type FeatureExtractionCallOptions, type Pooling } from './pipelines/feature-extraction.js';
export { FeatureTensor, type NestedNumbers } from './pipelines/feature-tensor.js';
export {
  ZeroShotClassificationPipeline, type ZeroShotClassificationCallOptions, type ZeroShotClassificationInput,
  type ZeroShotClassificationResult,
} from './pipelines/zero-shot-classification.js';
export { runEncoder, type EncodedInput, type EncoderRun } from './inference/run-encoder.js';
export * from './metrics/index.js';
