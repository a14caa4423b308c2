export { BasicTokenizer, type BasicTokenizerOptions, type WordSink } from './basic-tokenizer.js';
export {
  BertTokenizer,
  BERT_SPECIAL_TOKENS,
  type BertTokenizerOptions,
  type DecodeOptions,
  type EncodeInput,
  type EncodeOptions,
  type SpecialTokens,
} from './bert-tokenizer.js';
export { Encoding } from './encoding.js';
export type { TruncationStrategy } from './truncation.js';
export { Vocab } from './vocab.js';
export { WordPieceTokenizer, type WordPieceOptions } from './wordpiece-tokenizer.js';
export {
  trainVocabFromCounts,
  trainVocabFromLines,
  WordCounter,
  type TrainProgress,
  type VocabTrainerOptions,
} from './vocab-trainer.js';
