/**
 * A tokenizer of any SentencePiece Unigram `.model` file, encoding as sentencepiece's SentencePieceProcessor does
 * (no special tokens added: sentencepiece adds none unless asked); sentencepiece/sentencepiece-stages.ts lists the
 * stages. For ALBERT's settings (lowercasing, accents, [CLS]/[SEP]) see AlbertTokenizer.
 */
import { TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import { Tokenizer } from './tokenizer.js';
import { sentencePieceStagesFromBytes } from './sentencepiece/sentencepiece-stages.js';

const MODEL_FILE = { error: TokenizerError } as const;

export class SentencePieceTokenizer extends Tokenizer {
  /** The `.model` bytes; `source` names them in errors. */
  constructor(readonly modelBytes: Uint8Array, source = 'sentencepiece model') {
    super(sentencePieceStagesFromBytes(modelBytes, source), source);
  }

  /** Reads a `.model` file. */
  static fromModelFile(path: string): SentencePieceTokenizer {
    return new SentencePieceTokenizer(fileAccess(path, MODEL_FILE).readFile(path, MODEL_FILE), path);
  }
}
