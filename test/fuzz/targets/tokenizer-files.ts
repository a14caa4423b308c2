/**
 * The tokenizer files of a model folder (src/tokenizer/vocab.ts, pretrained-files.ts): vocab.txt alone, then
 * tokenizer.json, tokenizer_config.json and special_tokens_map.json, each mutated in a folder whose other files are
 * valid. Seeds are written by the library's own savePretrained over bert-tiny's vocabulary, plus the Hugging Face
 * variants it does not write (TemplateProcessing, AddedToken objects).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TokenizerError } from '../../../src/errors.js';
import type { Rng } from '../../../src/tensor/rng.js';
import { BertTokenizer } from '../../../src/tokenizer/bert-tokenizer.js';
import { Vocab } from '../../../src/tokenizer/vocab.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { mutateJsonBytes } from '../mutators/json.js';
import { mutateLines } from '../mutators/text-lines.js';
import type { Mutation, Seed } from '../mutation.js';
import { stackMutations } from '../stacking.js';
import type { FuzzTarget, TargetFactory } from '../target.js';
import { textSeed } from './seeds.js';
import { readTokenizerFolder, tokenizerDigest } from './tokenizer-digest.js';
import '../../helpers/node-runtime.js';

const WORDS = [
  'model', 'vocab', 'type', 'WordPiece', 'BPE', 'unk_token', 'continuing_subword_prefix', 'max_input_chars_per_word', 'normalizer',
  'BertNormalizer', 'clean_text', 'handle_chinese_chars', 'strip_accents', 'lowercase', 'pre_tokenizer', 'BertPreTokenizer',
  'post_processor', 'BertProcessing', 'TemplateProcessing', 'single', 'SpecialToken', 'sep', 'cls', 'added_tokens', 'content', 'id',
  'special', 'do_lower_case', 'tokenize_chinese_chars', 'model_max_length', 'sep_token', 'cls_token', 'pad_token', 'mask_token',
  '[UNK]', '[CLS]', '[SEP]', '[PAD]', '[MASK]', 'the', '##s', '',
];


interface SavedFiles {
  vocab: Uint8Array;
  tokenizerJson: string;
  tokenizerConfig: string;
  specialTokensMap: string;
}

/** bert-tiny's vocabulary with an added token, saved by the library; the files are read back as seeds. */
function savedFiles(scratch: string): SavedFiles {
  const vocab = Vocab.fromFile(fixturePath('reference', 'bert-tiny', 'vocab.txt'));
  const tokens = [...vocab.tokens, '[NEW]'];
  const tokenizer = new BertTokenizer(new Vocab(tokens), { addedTokens: [{ content: '[NEW]', id: tokens.length - 1, special: true }], modelMaxLength: 512 });
  const dir = join(scratch, 'saved-tokenizer');
  tokenizer.savePretrained(dir);
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  return { vocab: new Uint8Array(readFileSync(join(dir, 'vocab.txt'))), tokenizerJson: read('tokenizer.json'), tokenizerConfig: read('tokenizer_config.json'), specialTokensMap: read('special_tokens_map.json') };
}

/** A Hugging Face tokenizer.json with a TemplateProcessing post-processor (as transformers writes for many models). */
function templateTokenizerJson(): string {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s', 'the', 'was'];
  return JSON.stringify({
    version: '1.0',
    added_tokens: vocab.slice(0, 5).map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [],
      special_tokens: {},
    },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
  });
}

const jsonMutate = (seed: Seed, rng: Rng): Mutation => stackMutations(seed, rng, (bytes) => mutateJsonBytes(bytes, rng, WORDS));

function folderTarget(name: string, fileName: string, companions: Record<string, Uint8Array>, seeds: Seed[]): FuzzTarget {
  return { name, fileName, errorClass: TokenizerError, companions, seeds, mutate: jsonMutate, read: (path) => readTokenizerFolder(dirname(path)) };
}

export const vocabTarget: TargetFactory = {
  name: 'vocab',
  summary: 'vocab.txt via BertTokenizer.fromVocabFile (src/tokenizer/vocab.ts)',
  create(scratch) {
    const brown = readFileSync(fixturePath('tokenizer', 'brown-nlp-cased-12000-vocab.txt'), 'utf8').split('\n').slice(0, 400).join('\n') + '\n';
    return {
      name: 'vocab',
      fileName: 'vocab.txt',
      errorClass: TokenizerError,
      companions: {},
      seeds: [
        { label: 'bert-tiny/vocab.txt', bytes: new Uint8Array(readFileSync(fixturePath('reference', 'bert-tiny', 'vocab.txt'))) },
        { label: 'saved vocab.txt', bytes: savedFiles(scratch).vocab },
        textSeed('brown vocab.txt (400 lines)', brown),
      ],
      mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => mutateLines(bytes, rng)),
      read: (path) => tokenizerDigest(BertTokenizer.fromVocabFile(path), path),
    };
  },
};

export const tokenizerJsonTarget: TargetFactory = {
  name: 'tokenizer-json',
  summary: 'tokenizer.json via BertTokenizer.fromPretrained (src/tokenizer/pretrained-files.ts)',
  create(scratch) {
    const saved = savedFiles(scratch);
    return folderTarget('tokenizer-json', 'tokenizer.json', {}, [
      textSeed('saved tokenizer.json', saved.tokenizerJson),
      textSeed('TemplateProcessing tokenizer.json', templateTokenizerJson()),
    ]);
  },
};

export const tokenizerConfigTarget: TargetFactory = {
  name: 'tokenizer-config',
  summary: 'tokenizer_config.json beside vocab.txt via BertTokenizer.fromPretrained (src/tokenizer/pretrained-files.ts)',
  create(scratch) {
    const saved = savedFiles(scratch);
    return folderTarget('tokenizer-config', 'tokenizer_config.json', { 'vocab.txt': saved.vocab }, [
      textSeed('saved tokenizer_config.json', saved.tokenizerConfig),
      textSeed('cased tokenizer_config.json', JSON.stringify({ do_lower_case: false, strip_accents: true, tokenize_chinese_chars: false, model_max_length: 1e30, unk_token: { content: '[UNK]', lstrip: false } })),
    ]);
  },
};

export const specialTokensMapTarget: TargetFactory = {
  name: 'special-tokens-map',
  summary: 'special_tokens_map.json beside vocab.txt via BertTokenizer.fromPretrained (src/tokenizer/pretrained-files.ts)',
  create(scratch) {
    const saved = savedFiles(scratch);
    const objects = { unk_token: { content: '[UNK]', lstrip: false, normalized: false, rstrip: false, single_word: false }, mask_token: { content: '[MASK]', lstrip: true } };
    return folderTarget('special-tokens-map', 'special_tokens_map.json', { 'vocab.txt': saved.vocab }, [
      textSeed('saved special_tokens_map.json', saved.specialTokensMap),
      textSeed('AddedToken special_tokens_map.json', JSON.stringify(objects)),
    ]);
  },
};

