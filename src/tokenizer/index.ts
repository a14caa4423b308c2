export { AddedVocabulary, type AddedToken } from './added-vocabulary.js';
export { BasicTokenizer, type BasicTokenizerOptions } from './basic-tokenizer.js';
export {
  BertTokenizer,
  BERT_SPECIAL_TOKENS,
  type BertTokenizerOptions,
  type SpecialTokens,
} from './bert-tokenizer.js';
export { byteLevelAlphabet } from './byte-level-alphabet.js';
export { byteLevelWordCounter, ROBERTA_TRAINER_SPECIALS, trainBpeFromCounts, trainBpeFromLines, type BpeTrainerOptions } from './bpe-trainer.js';
export { ByteLevelDecoder } from './decoders/byte-level-decoder.js';
export type { Decoder } from './decoders/decoder.js';
export { WordPieceDecoder } from './decoders/wordpiece-decoder.js';
export { Encoding } from './encoding.js';
export { BPE, parseMergesTxt, parseVocabJson, type BpeOptions, type Merge } from './models/bpe.js';
export type { Model } from './models/model.js';
export { WordPieceTokenizer, type WordPieceOptions } from './models/wordpiece.js';
export { NormalizedText } from './normalized-text.js';
export { BertNormalizer, type BertNormalizerOptions } from './normalizers/bert-normalizer.js';
export type { Normalizer } from './normalizers/normalizer.js';
export { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
export { ByteLevel, type ByteLevelOptions } from './pre-tokenizers/byte-level.js';
export type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
export { Punctuation } from './pre-tokenizers/punctuation.js';
export { SequencePreTokenizer } from './pre-tokenizers/sequence.js';
export type { SplitBehavior } from './pre-tokenizers/split-behavior.js';
export { Whitespace } from './pre-tokenizers/whitespace.js';
export { WhitespaceSplit } from './pre-tokenizers/whitespace-split.js';
export { StagedWordScanner } from './word-scanner.js';
export { BertProcessing } from './processors/bert-processing.js';
export type { PostProcessor } from './processors/post-processor.js';
export { RobertaProcessing, type RobertaProcessingOptions } from './processors/roberta-processing.js';
export {
  RobertaTokenizer,
  ROBERTA_SPECIAL_TOKENS,
  type RobertaSpecialTokens,
  type RobertaTokenizerOptions,
} from './roberta-tokenizer.js';
export { TemplateProcessing, type TemplatePiece, type TemplateSpecialToken } from './processors/template-processing.js';
export {
  Tokenizer,
  type DecodeOptions,
  type EncodeInput,
  type EncodeOptions,
  type PaddingParams,
  type TokenizerStages,
  type TruncationParams,
} from './tokenizer.js';
export type { TruncationStrategy } from './truncation.js';
export { Vocab } from './vocab.js';
export { WordBuilder } from './word-builder.js';
export type { WordScanner, WordSink } from './word-sink.js';
export {
  countWords,
  trainVocabFromCounts,
  trainVocabFromLines,
  WordCounter,
  type TrainProgress,
  type VocabTrainerOptions,
} from './vocab-trainer.js';
export { AlbertTokenizer, ALBERT_SPECIAL_TOKENS, type AlbertSpecialTokens, type AlbertTokenizerOptions } from './albert-tokenizer.js';
export { MetaspaceDecoder } from './decoders/metaspace-decoder.js';
export { Unigram, type UnigramOptions } from './models/unigram.js';
export { CharMapping, type CharMappingType } from './normalizers/char-mapping.js';
export { Precompiled } from './normalizers/precompiled.js';
export { Replace, type ReplacePattern } from './normalizers/replace.js';
export { NormalizerSequence } from './normalizers/sequence.js';
export { Strip } from './normalizers/strip.js';
export { Metaspace, type PrependScheme } from './pre-tokenizers/metaspace.js';
export { parseSentencePieceModel, type SentencePiece, type SentencePieceModel } from './sentencepiece/model-proto.js';
export { SentencePieceTokenizer } from './sentencepiece-tokenizer.js';
export { AutoTokenizer, type PresetTokenizer } from './auto-tokenizer.js';
