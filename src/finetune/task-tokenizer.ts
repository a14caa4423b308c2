/**
 * The tokenizer of a fine-tuning run, from a model folder (AutoTokenizer: tokenizer_config.json's tokenizer_class,
 * else model_type) or from the files a new model is given (--vocab, --merges, --tokenizer), as the task needs it:
 * words already split (token classification) through byte-level BPE need `add_prefix_space`, so each word is
 * tokenized as after a space — transformers' run_ner.py loads RoBERTa's tokenizer with add_prefix_space=True, and
 * RobertaTokenizerFast refuses pre-tokenized input without it. The post-processor is told too, as
 * RobertaTokenizerFast.__init__ updates it.
 */
import { ConfigError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import { AlbertTokenizer } from '../tokenizer/albert-tokenizer.js';
import { AutoTokenizer, type PresetTokenizer } from '../tokenizer/auto-tokenizer.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { RobertaProcessing } from '../tokenizer/processors/roberta-processing.js';
import { readRobertaFiles, readRobertaPretrained, readRobertaTokenizerJson } from '../tokenizer/roberta-pretrained-files.js';
import { RobertaTokenizer, type RobertaTokenizerOptions } from '../tokenizer/roberta-tokenizer.js';

/** Where the tokenizer comes from: a model folder, or the files of a new model (`family`: its model_type). */
export type TokenizerFiles =
  | { folder: string }
  | { family: 'bert' | 'distilbert'; vocabTxt: string; lowercase: boolean }
  | { family: 'roberta'; vocabJson: string; merges: string }
  | { family: 'albert'; sentencePiece: string }
  | { family: string; tokenizerJson: string };

/** The byte-level options with add_prefix_space on, in the pre-tokenizer and in RobertaProcessing alike. */
function withPrefixSpace(options: RobertaTokenizerOptions): RobertaTokenizerOptions {
  const processor = options.postProcessor;
  if (!(processor instanceof RobertaProcessing)) return { ...options, addPrefixSpace: true };
  const rebuilt = new RobertaProcessing(processor.sep, processor.cls, { trimOffsets: processor.trimOffsets, addPrefixSpace: true });
  return { ...options, addPrefixSpace: true, postProcessor: rebuilt };
}

/**
 * The run's tokenizer; `words`: the task encodes words already split (token classification). A tokenizer.json is
 * read as the family's preset (`family` decides which).
 */
export function taskTokenizer(files: TokenizerFiles, words: boolean): PresetTokenizer {
  // Byte-level BPE options for pre-split words (see the file comment); the others are used as they are.
  const bpeOptions = (options: RobertaTokenizerOptions): RobertaTokenizerOptions => (words ? withPrefixSpace(options) : options);
  if ('folder' in files) {
    if (AutoTokenizer.classOf(files.folder) !== 'RobertaTokenizer' || !words) return AutoTokenizer.fromPretrained(files.folder);
    const read = readRobertaPretrained(files.folder);
    return new RobertaTokenizer(read.bpe, bpeOptions(read.options), read.source);
  }
  if ('tokenizerJson' in files) {
    const path = files.tokenizerJson;
    const role = { label: '--tokenizer', error: ConfigError } as const;
    const text = fileAccess(path, role).readText(path, role);
    switch (files.family) {
      case 'roberta': {
        const read = readRobertaTokenizerJson(text, path);
        return new RobertaTokenizer(read.bpe, bpeOptions(read.options), path);
      }
      case 'albert': return AlbertTokenizer.fromTokenizerJson(text, {}, path);
      default: return BertTokenizer.fromTokenizerJson(text, {}, path);
    }
  }
  if ('vocabJson' in files) return RobertaTokenizer.fromFiles(files.vocabJson, files.merges, bpeOptions({}));
  if ('sentencePiece' in files) return AlbertTokenizer.fromSentencePiece(files.sentencePiece);
  return BertTokenizer.fromVocabFile(files.vocabTxt, { doLowerCase: files.lowercase });
}
