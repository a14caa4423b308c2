/**
 * tokenizer.json through the generic pipeline (Tokenizer.fromFile, src/tokenizer/tokenizer-json.ts): every stage
 * type it implements — Whitespace, WhitespaceSplit, Punctuation, Sequence, TemplateProcessing, truncation and
 * padding, and byte-level BPE (ByteLevel, BPE, RobertaProcessing) — in seeds the BERT preset's target never reaches. A file that loads must give a tokenizer that encodes,
 * decodes and writes itself back.
 */
import { readFileSync } from 'node:fs';
import { TokenizerError } from '../../../src/errors.js';
import type { Rng } from '../../../src/tensor/rng.js';
import { Tokenizer } from '../../../src/tokenizer/tokenizer.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { textDigest } from '../digest.js';
import { mutateJsonBytes } from '../mutators/json.js';
import type { Mutation, Seed } from '../mutation.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';
import { textSeed } from './seeds.js';
import '../../helpers/node-runtime.js';

const WORDS = [
  'type', 'normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'model', 'added_tokens', 'truncation', 'padding',
  'BertNormalizer', 'BertPreTokenizer', 'Whitespace', 'WhitespaceSplit', 'Punctuation', 'Sequence', 'pretokenizers',
  'behavior', 'Isolated', 'Removed', 'Contiguous', 'MergedWithPrevious', 'MergedWithNext', 'TemplateProcessing',
  'BertProcessing', 'single', 'pair', 'special_tokens', 'SpecialToken', 'A', 'B', 'type_id', 'ids', 'tokens', 'WordPiece',
  'unk_token', 'max_input_chars_per_word', 'direction', 'Right', 'Left', 'max_length', 'strategy', 'LongestFirst',
  'OnlySecond', 'stride', 'BatchLongest', 'Fixed', 'pad_id', 'pad_token', 'pad_to_multiple_of', '<s>', '</s>', '[UNK]', '',
  'ByteLevel', 'BPE', 'RobertaProcessing', 'add_prefix_space', 'trim_offsets', 'use_regex', 'merges', 'dropout', 'fuse_unk',
  'byte_fallback', 'ignore_merges', 'continuing_subword_prefix', 'end_of_word_suffix', 'sep', 'cls', 'Ġ', 'Ġt',
];

const TEXT = "Hello, World! don't <s> naïve 東京 the--end 123";
const PAIR = 'is it a test? </s>';

function digest(tokenizer: Tokenizer): string {
  const single = tokenizer.encode(TEXT);
  // A pair may be refused for what it is (no pair template; windows of a pair too short for the file's stride).
  let pair: unknown;
  try {
    const e = tokenizer.encode(TEXT, PAIR, { returnOverflowing: true });
    pair = [Array.from(e.ids), Array.from(e.typeIds), Array.from(e.offsets), e.overflowing.length];
  } catch (error) {
    if (!(error instanceof TokenizerError && /no pair template|window of this sequence/.test(error.message))) throw error;
    pair = error.message;
  }
  return textDigest([Array.from(single.ids), Array.from(single.offsets), Array.from(single.wordIds), pair, tokenizer.decode(single.ids), tokenizer.toJSONString()]);
}

function seeds(): Seed[] {
  const vocabLines = readFileSync(fixturePath('tokenizer', 'brown-nlp-cased-12000-vocab.txt'), 'utf8').split('\n').slice(0, 400);
  const vocab = Object.fromEntries([...vocabLines, '<s>', '</s>'].map((t, i) => [t, i]));
  const added = [['[PAD]', 0], ['[UNK]', 100], ['<s>', 400], ['</s>', 401]].map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const model = { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab };
  const piece = (special: string | null, sequence: 'A' | 'B' | null, typeId = 0): unknown =>
    special !== null ? { SpecialToken: { id: special, type_id: typeId } } : { Sequence: { id: sequence, type_id: typeId } };
  const roberta = {
    version: '1.0',
    truncation: { direction: 'Right', max_length: 12, strategy: 'LongestFirst', stride: 2 },
    padding: { strategy: { Fixed: 16 }, direction: 'Right', pad_to_multiple_of: null, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' },
    added_tokens: added,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: false },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Contiguous' }] },
    post_processor: {
      type: 'TemplateProcessing',
      single: [piece('<s>', null), piece(null, 'A'), piece('</s>', null)],
      pair: [piece('<s>', null), piece(null, 'A'), piece('</s>', null), piece('</s>', null), piece(null, 'B'), piece('</s>', null)],
      special_tokens: { '<s>': { id: '<s>', ids: [400], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [401], tokens: ['</s>'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model,
  };
  const bare = { version: '1.0', truncation: null, padding: null, added_tokens: added, normalizer: null, pre_tokenizer: { type: 'Whitespace' }, post_processor: null, decoder: null, model };
  const bpe = readFileSync(fixturePath('tokenizer', 'bpe', 'tokenizer.json'), 'utf8');
  return [
    textSeed('RoBERTa-style template, Sequence pre-tokenizer, truncation and padding', JSON.stringify(roberta)),
    textSeed('Whitespace only', JSON.stringify(bare)),
    textSeed('byte-level BPE trained by tokenizers (ByteLevel, BPE, RobertaProcessing, ByteLevel decoder)', bpe),
  ];
}

export const tokenizerPipelineTarget: TargetFactory = {
  name: 'tokenizer-pipeline',
  summary: 'tokenizer.json via Tokenizer.fromFile, every implemented stage type (src/tokenizer/tokenizer-json.ts)',
  create() {
    return {
      name: 'tokenizer-pipeline',
      fileName: 'tokenizer.json',
      errorClass: TokenizerError,
      companions: {},
      seeds: seeds(),
      mutate: (seed: Seed, rng: Rng): Mutation => stackMutations(seed, rng, (bytes) => mutateJsonBytes(bytes, rng, WORDS)),
      read: (path) => digest(Tokenizer.fromFile(path)),
    };
  },
};
