/**
 * What tsbert's BERT implements of Hugging Face's BertConfig, checked when a config.json is read: a folder of another
 * architecture, or a setting that changes the math in a way tsbert does not compute, is an error naming the field
 * — never a model that loads and silently computes something else (candle's rule: unknown values are errors).
 * Keys that do not change the math (transformers_version, torch_dtype, use_cache, ...) pass through untouched.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';

/** The model_type tsbert's BERT classes read; Hugging Face writes it into every config.json. */
export const BERT_MODEL_TYPE = 'bert';

/** Fields whose only implemented value is the one given (Hugging Face's default). */
const ONLY_DEFAULT: Record<string, { value: unknown; why: string }> = {
  position_embedding_type: { value: 'absolute', why: 'relative position embeddings (Shaw et al.; Huang et al.) are not implemented' },
  is_decoder: { value: false, why: 'BERT as a decoder (causal masks, cross-attention) is not implemented' },
  add_cross_attention: { value: false, why: 'cross-attention layers are not implemented' },
  tie_word_embeddings: { value: true, why: 'the MLM decoder is always tied to the word embeddings' },
};

/** Throws a ConfigError naming the first field of `raw` (a parsed config.json) that tsbert's BERT cannot honour. */
export function assertBertConfigSupported(raw: Record<string, unknown>, source: string): void {
  const modelType = raw['model_type'];
  if (modelType !== undefined && modelType !== BERT_MODEL_TYPE) {
    throw new ConfigError(`${source}: model_type is ${valuePreview(modelType)}, not "${BERT_MODEL_TYPE}": this is not a BERT folder`
      + ' (tsbert implements BERT; RoBERTa, DistilBERT, ALBERT and DeBERTa folders are not loaded into BERT classes)');
  }
  for (const [field, { value, why }] of Object.entries(ONLY_DEFAULT)) {
    if (raw[field] !== undefined && raw[field] !== null && raw[field] !== value) {
      throw new ConfigError(`${source}: ${field} is ${valuePreview(raw[field])}: ${why} (only ${JSON.stringify(value)})`);
    }
  }
}
