export {
  ALBERT_CONFIG_SPEC, ALBERT_DEFAULTS, ALBERT_MODEL_TYPE, validateAlbertConfig, type AlbertConfig,
} from './albert-config.js';
export { ALBERT_FAMILY } from './albert-checkpoint.js';
export { AlbertPreTrainedModel } from './albert-pretrained.js';
export { AlbertModel } from './albert-model.js';
export { AlbertForPreTraining, type AlbertPreTrainingInputs, type AlbertPreTrainingOutput } from './heads/albert-for-pretraining.js';
export { AlbertForMaskedLM } from './heads/albert-for-masked-lm.js';
export { AlbertForSequenceClassification } from './heads/albert-for-sequence-classification.js';
export { AlbertForTokenClassification } from './heads/albert-for-token-classification.js';
export { AlbertForQuestionAnswering } from './heads/albert-for-question-answering.js';
export { AlbertForMultipleChoice } from './heads/albert-for-multiple-choice.js';
