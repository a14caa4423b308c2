export * from './config.js';
export { BertModel, MASK_VALUE, additiveMask, type BertInputs, type BertModelOutput, type ForwardOptions, type InitOptions } from './bert-model.js';
export { BertPreTrainedModel } from './pretrained.js';
export { PreTrainedModel, type PretrainedClass } from './pretrained-model.js';
export type { PretrainedConfig } from './pretrained-config.js';
export type { ModelFamily } from './model-family.js';
export type { EncoderModel, EncoderInputs, EncoderModelOutput } from './encoder-model.js';
export type { LoadOptions } from './checkpoint-loading.js';
export { BertForPreTraining, type PreTrainingInputs, type PreTrainingOutput, type PreTrainingOptions } from './heads/pretraining.js';
export { BertForMaskedLM } from './heads/masked-lm.js';
export { BertForNextSentencePrediction } from './heads/next-sentence.js';
export { BertForSequenceClassification } from './heads/sequence-classification.js';
export { BertForTokenClassification } from './heads/token-classification.js';
export { BertForQuestionAnswering } from './heads/question-answering.js';
export { BertForMultipleChoice } from './heads/multiple-choice.js';
export { MODEL_TASKS, modelClassFor, registeredModelTypes, type ModelTask, type ModelClass } from './registry.js';
export * from './auto.js';
export * from './roberta/index.js';
export * from './distilbert/index.js';
export * from './albert/index.js';
export {
  applyModelDType, castModelToBFloat16, defaultWeightBits, isQuantized, isQuantizedConfigJson, modelDTypeOf, MODEL_DTYPES,
  QUANTIZATION_CONFIG, quantizeModel, type ModelDType, type QuantizeOptions, type WeightBits,
} from './quantization.js';
