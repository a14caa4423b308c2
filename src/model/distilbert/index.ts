export {
  DISTILBERT_BASE_DEFAULTS, DISTILBERT_MODEL_TYPE, distilBertConfig, distilBertConfigFromJson, distilBertConfigToJson,
  validateDistilBertConfig, type DistilBertConfig,
} from './distilbert-config.js';
export { DISTILBERT_FAMILY } from './distilbert-checkpoint.js';
export { DistilBertPreTrainedModel } from './distilbert-pretrained.js';
export { DistilBertModel } from './distilbert-model.js';
export { DistilBertForMaskedLM } from './for-masked-lm.js';
export { DistilBertForSequenceClassification } from './for-sequence-classification.js';
export { DistilBertForTokenClassification } from './for-token-classification.js';
export { DistilBertForQuestionAnswering } from './for-question-answering.js';
export { DistilBertForMultipleChoice } from './for-multiple-choice.js';
