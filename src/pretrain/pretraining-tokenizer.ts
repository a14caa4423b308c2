/**
 * What making and training on pre-training instances needs of a tokenizer, whatever its model (WordPiece from a
 * vocab.txt, byte-level BPE or Unigram from a tokenizer.json): sentence ids without special tokens, the four special
 * ids, the vocabulary (for the instance file's fingerprint and random replacements) and which ids continue a word
 * (whole-word and n-gram masking).
 */
import { TokenizerError } from '../errors.js';
import { join } from 'node:path';
import { AlbertTokenizer } from '../tokenizer/albert-tokenizer.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { RobertaTokenizer } from '../tokenizer/roberta-tokenizer.js';
import { SPECIAL_TOKEN_SPELLINGS, specialTokenIdBySpelling, type SpecialTokenRole } from '../tokenizer/special-tokens.js';
import { BPE } from '../tokenizer/models/bpe.js';
import { WordPieceTokenizer } from '../tokenizer/models/wordpiece.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';

/**
 * The characters `_is_start_piece_sp` (google-research/albert create_pretraining_data.py) lets a SentencePiece piece
 * continue a word with: English letters; a piece holding anything else starts a word.
 */
const CONTINUING_PIECE = /^[a-z]+$/i;

/**
 * Which ids continue a word, by the vocabulary's convention:
 * - WordPiece: the `##` prefix (google-research/bert `_is_start_piece_bert`);
 * - byte-level BPE: no leading `Ġ` (the encoded space) and not a special `<...>` token;
 * - SentencePiece (Unigram): ALBERT's `_is_start_piece_sp` — a piece continues a word only when it lacks the
 *   leading `▁` and is made of English letters (punctuation, digits, other scripts and `<...>` start words).
 */
export function continuationFlagsOf(tokenizer: Tokenizer, tokens: readonly string[]): Uint8Array {
  const flags = new Uint8Array(tokens.length);
  const model = tokenizer.model;
  for (let id = 0; id < tokens.length; id++) {
    const token = tokens[id]!;
    let continues: boolean;
    if (model instanceof WordPieceTokenizer) continues = token.startsWith(model.continuingSubwordPrefix);
    else if (model instanceof BPE) continues = !token.startsWith('Ġ') && !(token.startsWith('<') && token.endsWith('>'));
    else continues = !token.startsWith('▁') && CONTINUING_PIECE.test(token);
    if (continues) flags[id] = 1;
  }
  return flags;
}

/** A tokenizer as pre-training sees it; `source` names it in errors (`vocab.txt`, `tokenizer.json`). */
export class PretrainingTokenizer {
  readonly vocabSize: number;
  /** Token of each id, 0 .. vocabSize - 1 (the instance file's fingerprint, random replacements). */
  readonly vocabTokens: readonly string[];
  /** `[CLS]` or `<s>`: opens every instance. */
  readonly clsId: number;
  /** `[SEP]` or `</s>`: closes a segment (and separates documents in RoBERTa's packing). */
  readonly sepId: number;
  readonly maskId: number;
  readonly padId: number;
  readonly doLowerCase: boolean;
  private flags: Uint8Array | undefined;

  constructor(private readonly tokenizer: Tokenizer, readonly source: string) {
    this.vocabSize = tokenizer.vocabSize;
    const tokens: string[] = new Array<string>(this.vocabSize);
    for (let id = 0; id < this.vocabSize; id++) tokens[id] = tokenizer.idToToken(id);
    this.vocabTokens = tokens;
    const find = (role: SpecialTokenRole): number => {
      const id = specialTokenIdBySpelling(tokenizer, role);
      if (id !== undefined) return id;
      throw new TokenizerError(`${source}: no ${role} token (${SPECIAL_TOKEN_SPELLINGS[role].join(' or ')}) in the vocabulary; pre-training needs it`);
    };
    this.clsId = find('cls');
    this.sepId = find('sep');
    this.maskId = find('mask');
    this.padId = find('pad');
    this.doLowerCase = tokenizer instanceof BertTokenizer ? tokenizer.doLowerCase : false;
  }

  /** A sentence as ids, no special tokens. */
  encodeSentence(text: string): Int32Array {
    // A copy: an Encoding's arrays may be views into a shared slab, which a long-lived document would keep alive.
    return this.tokenizer.encode(text, undefined, { addSpecialTokens: false }).ids.slice();
  }

  /** `flags[id] = 1` where the token continues the word before it (continuationFlagsOf). */
  continuationFlags(): Uint8Array {
    this.flags ??= continuationFlagsOf(this.tokenizer, this.vocabTokens);
    return this.flags;
  }

  /** Writes the tokenizer's files into a trained model's folder. */
  savePretrained(dir: string): void {
    const t = this.tokenizer;
    // The presets write their own files (vocab.txt, spiece.model, vocab.json + merges.txt) beside tokenizer.json.
    if (t instanceof BertTokenizer || t instanceof AlbertTokenizer || t instanceof RobertaTokenizer) t.savePretrained(dir);
    else t.save(join(dir, 'tokenizer.json'));
  }
}

/** A PretrainingTokenizer as it is, or a Tokenizer (a BertTokenizer, say) wrapped. */
export function asPretrainingTokenizer(tokenizer: PretrainingTokenizer | Tokenizer): PretrainingTokenizer {
  return tokenizer instanceof Tokenizer ? new PretrainingTokenizer(tokenizer, 'tokenizer') : tokenizer;
}

/**
 * `--vocab vocab.txt` (WordPiece, lower-cased unless `cased`) or `--tokenizer` with a tokenizer.json or a
 * SentencePiece `.model` (read as ALBERT's tokenizer: AlbertTokenizer); exactly one.
 */
export function loadPretrainingTokenizer(files: { vocab?: string | undefined; tokenizer?: string | undefined; cased?: boolean | undefined }, command: string): PretrainingTokenizer {
  if ((files.vocab === undefined) === (files.tokenizer === undefined)) {
    throw new TokenizerError(`${command}: give exactly one of --vocab vocab.txt and --tokenizer tokenizer.json`);
  }
  if (files.vocab !== undefined) return new PretrainingTokenizer(BertTokenizer.fromVocabFile(files.vocab, { doLowerCase: files.cased !== true }), files.vocab);
  const path = files.tokenizer!;
  return new PretrainingTokenizer(path.endsWith('.model') ? AlbertTokenizer.fromSentencePiece(path) : Tokenizer.fromFile(path), path);
}
