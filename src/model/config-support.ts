/**
 * What tsbert's BERT implements of Hugging Face's BertConfig, checked when a config.json is read: a folder of another
 * architecture, or a setting that changes the math in a way tsbert does not compute, is an error naming the field
 * — never a model that loads and silently computes something else (candle's rule: unknown values are errors).
 * Keys that do not change the math (transformers_version, torch_dtype, use_cache, ...) pass through untouched.
 */
import { assertModelType, assertOnlyDefaults, type OnlyDefaults } from './pretrained-config.js';

/** The model_type tsbert's BERT classes read; Hugging Face writes it into every config.json. */
export const BERT_MODEL_TYPE = 'bert';

/**
 * Fields of modeling_bert.py whose only implemented value is Hugging Face's default; the families built on BERT's
 * encoder layers (RoBERTa) share them.
 */
export const BERT_ONLY_DEFAULTS: OnlyDefaults = {
  position_embedding_type: { value: 'absolute', why: 'relative position embeddings (Shaw et al.; Huang et al.) are not implemented' },
  is_decoder: { value: false, why: 'BERT as a decoder (causal masks, cross-attention) is not implemented' },
  add_cross_attention: { value: false, why: 'cross-attention layers are not implemented' },
  tie_word_embeddings: { value: true, why: 'the MLM decoder is always tied to the word embeddings' },
};

/** Throws a ConfigError naming the first field of `raw` (a parsed config.json) that tsbert's BERT cannot honour. */
export function assertBertConfigSupported(raw: Record<string, unknown>, source: string): void {
  assertModelType(raw, BERT_MODEL_TYPE, 'BERT', source);
  assertOnlyDefaults(raw, BERT_ONLY_DEFAULTS, source);
}
