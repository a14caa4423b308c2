/**
 * What pipelines ask of a tokenizer beyond encoding, for any Tokenizer: the special tokens a task reads (fill-mask's
 * mask, question answering's classifier token, the unknown token), the longest input it declares, and transformers'
 * `tokenizer.decode`. The presets (BertTokenizer, RobertaTokenizer, AlbertTokenizer) know theirs — `[MASK]` for BERT
 * and ALBERT, `<mask>` for RoBERTa; a tokenizer read from a bare tokenizer.json is asked for the usual names.
 */
import { AlbertTokenizer } from '../tokenizer/albert-tokenizer.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { RobertaTokenizer } from '../tokenizer/roberta-tokenizer.js';
import { specialTokenIdBySpelling } from '../tokenizer/special-tokens.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';

export interface TokenizerRoles {
  /** The mask token's id (fill-mask), if the tokenizer has one. */
  maskTokenId: number | undefined;
  /** The sequence-classifier token ([CLS], `<s>`): question answering's no-answer position. */
  clsTokenId: number | undefined;
  unkTokenId: number | undefined;
  /** tokenizer_config.json's model_max_length, if given. */
  modelMaxLength: number | undefined;
  /**
   * Text of ids as transformers' `tokenizer.decode` gives it: the presets' decodeText where they have one (the
   * decoder, then transformers' clean-up), else the decoder's text.
   */
  decodeText(ids: ArrayLike<number>, options: { skipSpecialTokens: boolean }): string;
}

export function tokenizerRoles(tokenizer: Tokenizer): TokenizerRoles {
  if (tokenizer instanceof BertTokenizer || tokenizer instanceof RobertaTokenizer || tokenizer instanceof AlbertTokenizer) {
    // AlbertTokenizer keeps no clean_up_tokenization_spaces setting: its decoder's text is its decode.
    const decodeText: TokenizerRoles['decodeText'] = tokenizer instanceof AlbertTokenizer
      ? (ids, options) => tokenizer.decode(ids, options)
      : (ids, options) => tokenizer.decodeText(ids, options);
    return {
      maskTokenId: tokenizer.maskTokenId,
      clsTokenId: tokenizer.clsTokenId,
      unkTokenId: tokenizer.unkTokenId,
      modelMaxLength: tokenizer.modelMaxLength,
      decodeText,
    };
  }
  return {
    maskTokenId: specialTokenIdBySpelling(tokenizer, 'mask'),
    clsTokenId: specialTokenIdBySpelling(tokenizer, 'cls'),
    unkTokenId: tokenizer.model.unkTokenId,
    modelMaxLength: undefined,
    decodeText: (ids, options) => tokenizer.decode(ids, options),
  };
}
