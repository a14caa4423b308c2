/**
 * Hugging Face's tokenizer.json (the serialization of tokenizers' `Tokenizer`, tokenizers/src/tokenizer/serialization.rs)
 * in and out, for the stages implemented here. Each stage is read through a table from its `type` to a reader, so
 * adding a stage is its class, its toJSON and one line below; a type not in the table is a TokenizerError naming the
 * field (`normalizer.type "Precompiled" is not implemented`), never a silent fallback.
 *
 * Leniency, where the reference would fail later or accept worse: a TemplateProcessing special token missing from
 * `special_tokens` is looked up in the vocabulary; an empty `pair` template means the tokenizer takes no pairs (the
 * reference encodes a pair as nothing).
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import type { AddedVocabulary, AddedToken } from './added-vocabulary.js';
import type { Decoder } from './decoders/decoder.js';
import { MetaspaceDecoder } from './decoders/metaspace-decoder.js';
import { ByteLevelDecoder } from './decoders/byte-level-decoder.js';
import { WordPieceDecoder } from './decoders/wordpiece-decoder.js';
import { isObj, isStr, JsonPath, parseJsonObject, readJsonObject, type Json, type JsonObject } from './json-fields.js';
import { BPE, type Merge } from './models/bpe.js';
import type { Model } from './models/model.js';
import { Unigram } from './models/unigram.js';
import { WordPieceTokenizer } from './models/wordpiece.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { CharMapping } from './normalizers/char-mapping.js';
import type { Normalizer } from './normalizers/normalizer.js';
import { Precompiled } from './normalizers/precompiled.js';
import { Replace } from './normalizers/replace.js';
import { NormalizerSequence } from './normalizers/sequence.js';
import { Strip } from './normalizers/strip.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import { Metaspace, PREPEND_SCHEMES, type PrependScheme } from './pre-tokenizers/metaspace.js';
import { ByteLevel } from './pre-tokenizers/byte-level.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
import { Punctuation } from './pre-tokenizers/punctuation.js';
import { SequencePreTokenizer } from './pre-tokenizers/sequence.js';
import { SPLIT_BEHAVIORS, type SplitBehavior } from './pre-tokenizers/split-behavior.js';
import { Whitespace } from './pre-tokenizers/whitespace.js';
import { WhitespaceSplit } from './pre-tokenizers/whitespace-split.js';
import { BertProcessing } from './processors/bert-processing.js';
import { RobertaProcessing } from './processors/roberta-processing.js';
import type { PostProcessor } from './processors/post-processor.js';
import { TemplateProcessing, type TemplatePiece, type TemplateSpecialToken } from './processors/template-processing.js';
import type { PaddingParams, TokenizerStages, TruncationParams } from './tokenizer.js';
import type { TruncationStrategy } from './truncation.js';
import { Vocab } from './vocab.js';

/** WordPiece sizes its word buffers from max_input_chars_per_word (~2 units a character), so the file's value is bounded. */
export const MAX_INPUT_CHARS_PER_WORD = 1_000_000;
/** Ids live in Int32Arrays. */
export const MAX_ID = 2 ** 31 - 1;
/** Longest encoding a file may ask truncation or padding for (2^20 tokens, 32 MB of arrays): encodings are allocated whole. */
export const MAX_LENGTH = 2 ** 20;

/** Looks a token up among the added tokens and the model's vocabulary. */
type TokenIds = (token: string) => number | undefined;

type StageReader<T> = (json: JsonObject, at: JsonPath, ids: TokenIds) => T;

const NORMALIZERS: Map<string, StageReader<Normalizer>> = new Map<string, StageReader<Normalizer>>([
  ['Precompiled', (json, at) => Precompiled.fromBase64(at.string(json, 'precompiled_charsmap') ?? '', `${at.file}: ${at.path}`)],
  ['Replace', readReplace],
  ['Strip', (json, at) => new Strip(at.bool(json, 'strip_left') ?? true, at.bool(json, 'strip_right') ?? true)],
  ['NFKD', () => new CharMapping('NFKD')],
  ['StripAccents', () => new CharMapping('StripAccents')],
  ['Lowercase', () => new CharMapping('Lowercase')],
  [
    'Sequence',
    (json, at, ids) => new NormalizerSequence((at.array(json, 'normalizers') ?? []).map((item, i) => stageAt(item, NORMALIZERS, at.at('normalizers').at(i), ids))),
  ],
  [
    'BertNormalizer',
    (json, at) =>
      new BertNormalizer({
        cleanText: at.bool(json, 'clean_text'),
        handleChineseChars: at.bool(json, 'handle_chinese_chars'),
        stripAccents: at.bool(json, 'strip_accents') ?? null,
        lowercase: at.bool(json, 'lowercase'),
      }),
  ],
]);

const PRE_TOKENIZERS: Map<string, StageReader<PreTokenizer>> = new Map<string, StageReader<PreTokenizer>>([
  ['BertPreTokenizer', () => new BertPreTokenizer()],
  ['Whitespace', () => new Whitespace()],
  ['WhitespaceSplit', () => new WhitespaceSplit()],
  ['Metaspace', (json, at) => new Metaspace(...readMetaspace(json, at))],
  ['ByteLevel', (json, at) => new ByteLevel(byteLevelOptions(json, at))],
  [
    'Punctuation',
    (json, at) => {
      const behavior = at.string(json, 'behavior') ?? 'Isolated';
      if (!(SPLIT_BEHAVIORS as readonly string[]).includes(behavior)) throw at.error(`${at.at('behavior').path} ${valuePreview(behavior)} is not implemented`);
      return new Punctuation(behavior as SplitBehavior);
    },
  ],
  [
    'Sequence',
    (json, at, ids) =>
      new SequencePreTokenizer((at.array(json, 'pretokenizers') ?? []).map((item, i) => stageAt(item, PRE_TOKENIZERS, at.at('pretokenizers').at(i), ids))),
  ],
]);

const MODELS = new Map<string, StageReader<Model>>([
  ['WordPiece', readWordPiece],
  ['Unigram', readUnigram],
  ['BPE', readBpe],
]);

const POST_PROCESSORS = new Map<string, StageReader<PostProcessor>>([
  ['BertProcessing', (json, at) => new BertProcessing(tokenAndId(json, 'sep', at), tokenAndId(json, 'cls', at))],
  ['TemplateProcessing', readTemplateProcessing],
  [
    'RobertaProcessing',
    (json, at) =>
      new RobertaProcessing(tokenAndId(json, 'sep', at), tokenAndId(json, 'cls', at), {
        trimOffsets: at.bool(json, 'trim_offsets') ?? true,
        addPrefixSpace: at.bool(json, 'add_prefix_space') ?? true,
      }),
  ],
]);

const DECODERS = new Map<string, StageReader<Decoder>>([
  ['WordPiece', (json, at) => new WordPieceDecoder(at.string(json, 'prefix') ?? '##', at.bool(json, 'cleanup') ?? true)],
  ['Metaspace', (json, at) => new MetaspaceDecoder(...readMetaspace(json, at))],
  [
    'ByteLevel',
    (json, at) => {
      const o = byteLevelOptions(json, at);
      return new ByteLevelDecoder(o.addPrefixSpace, o.trimOffsets, o.useRegex);
    },
  ],
]);

/** The stage of `json[key]` through `readers`; null when absent or null. */
function stage<T>(json: JsonObject, key: string, readers: ReadonlyMap<string, StageReader<T>>, at: JsonPath, ids: TokenIds): T | null {
  const value = json[key];
  if (value === undefined || value === null) return null;
  return stageAt(value, readers, at.at(key), ids);
}

function stageAt<T>(value: Json, readers: ReadonlyMap<string, StageReader<T>>, at: JsonPath, ids: TokenIds): T {
  const obj = at.object(value);
  const type = at.type(obj);
  const read = readers.get(type);
  if (read === undefined) throw at.notImplemented(type);
  try {
    return read(obj, at, ids);
  } catch (error) {
    // A stage's own check (an unknown token missing from the vocabulary, a template without $A) names the file here.
    if (!(error instanceof TokenizerError) || error.message.startsWith(`${at.file}: `)) throw error;
    throw new TokenizerError(`${at.file}: ${at.path}: ${error.message}`, { cause: error });
  }
}

function readWordPiece(json: JsonObject, at: JsonPath): Model {
  const vocab = Vocab.fromIdMap(idMap(at.object(json['vocab'] ?? null), at.at('vocab')), `${at.file} ${at.at('vocab').path}`);
  const unkToken = at.string(json, 'unk_token');
  const prefix = at.string(json, 'continuing_subword_prefix');
  const maxChars = at.integer(json, 'max_input_chars_per_word', 0, MAX_INPUT_CHARS_PER_WORD);
  return new WordPieceTokenizer(vocab, {
    ...(unkToken !== undefined ? { unkToken } : {}),
    ...(prefix !== undefined ? { continuingSubwordPrefix: prefix } : {}),
    ...(maxChars !== undefined ? { maxInputCharsPerWord: maxChars } : {}),
  });
}

/** Unigram: `vocab` as [piece, score] pairs, `unk_id` (null: none), `byte_fallback`. */
function readUnigram(json: JsonObject, at: JsonPath): Model {
  const vocab = (at.array(json, 'vocab') ?? []).map((entry, i): [string, number] => {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
      throw at.error(`${at.at('vocab').at(i).path} should be a [piece, score] pair`);
    }
    return [entry[0], entry[1]];
  });
  const unkId = json['unk_id'] === null ? null : at.integer(json, 'unk_id', 0, MAX_ID);
  return new Unigram(vocab, { unkId, byteFallback: at.bool(json, 'byte_fallback') ?? false });
}

/** Replace's `pattern` ({"String": s} or {"Regex": r}) and `content`. */
function readReplace(json: JsonObject, at: JsonPath): Normalizer {
  const pattern = at.at('pattern').object(json['pattern'] ?? null);
  const content = at.string(json, 'content');
  const literal = pattern['String'];
  const regex = pattern['Regex'];
  if (content === undefined) throw at.error(`${at.at('content').path} is missing`);
  if (typeof literal === 'string') return new Replace({ String: literal }, content);
  if (typeof regex === 'string') return new Replace({ Regex: regex }, content);
  throw at.error(`${at.at('pattern').path} should be {"String": text} or {"Regex": pattern}`);
}

/**
 * Metaspace's fields (pre-tokenizer and decoder): `replacement` (one character), `prepend_scheme`, `split`; files
 * written before prepend_scheme existed say `add_prefix_space` instead.
 */
function readMetaspace(json: JsonObject, at: JsonPath): [string, PrependScheme, boolean] {
  const replacement = at.string(json, 'replacement') ?? '\u2581';
  if ([...replacement].length !== 1 || replacement.length !== 1) throw at.error(`${at.at('replacement').path} should be one character of the BMP, found ${valuePreview(replacement)}`);
  const scheme = at.string(json, 'prepend_scheme') ?? (at.bool(json, 'add_prefix_space') === false ? 'never' : 'always');
  if (!(PREPEND_SCHEMES as readonly string[]).includes(scheme)) throw at.error(`${at.at('prepend_scheme').path} ${valuePreview(scheme)} is not one of ${PREPEND_SCHEMES.join(', ')}`);
  return [replacement, scheme as PrependScheme, at.bool(json, 'split') ?? true];
}

/** The ByteLevel fields (pre-tokenizer and decoder), with the reference's defaults. */
function byteLevelOptions(json: JsonObject, at: JsonPath): { addPrefixSpace: boolean; trimOffsets: boolean; useRegex: boolean } {
  return {
    addPrefixSpace: at.bool(json, 'add_prefix_space') ?? true,
    trimOffsets: at.bool(json, 'trim_offsets') ?? true,
    useRegex: at.bool(json, 'use_regex') ?? true,
  };
}

/** The BPE model: vocab, merges ([a, b] pairs or "a b" strings) and options; dropout and byte fallback are refused. */
function readBpe(json: JsonObject, at: JsonPath): Model {
  const dropout = at.field(json, 'dropout', 'a number', (v): v is number => typeof v === 'number');
  if (dropout !== undefined && dropout !== 0) throw at.error(`${at.at('dropout').path} ${dropout} is not implemented (only null)`);
  if (at.bool(json, 'byte_fallback') === true) throw at.error(`${at.at('byte_fallback').path} true is not implemented`);
  const vocab = Vocab.fromIdMap(idMap(at.object(json['vocab'] ?? null), at.at('vocab')), `${at.file} ${at.at('vocab').path}`);
  const merges = (at.array(json, 'merges') ?? []).map((item, i): Merge => {
    const pair = typeof item === 'string' ? item.split(' ') : item;
    if (!Array.isArray(pair) || pair.length !== 2 || !isStr(pair[0] ?? null) || !isStr(pair[1] ?? null)) {
      throw at.error(`${at.at('merges').at(i).path} should be a pair of tokens, found ${valuePreview(item)}`);
    }
    return [pair[0] as string, pair[1] as string];
  });
  return new BPE(
    vocab,
    merges,
    {
      unkToken: at.string(json, 'unk_token') ?? null,
      continuingSubwordPrefix: at.string(json, 'continuing_subword_prefix') ?? null,
      endOfWordSuffix: at.string(json, 'end_of_word_suffix') ?? null,
      fuseUnk: at.bool(json, 'fuse_unk') ?? false,
      ignoreMerges: at.bool(json, 'ignore_merges') ?? false,
    },
    `${at.file} ${at.path}`,
  );
}

/** A token → id object (a model's vocab). */
function idMap(vocabJson: JsonObject, at: JsonPath): Record<string, number> {
  const vocabMap: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [token, id] of Object.entries(vocabJson)) {
    if (typeof id !== 'number') throw at.error(`${at.path}[${valuePreview(token)}] is not a number`);
    vocabMap[token] = id;
  }
  return vocabMap;
}

/** BertProcessing's `[token, id]` fields. */
function tokenAndId(json: JsonObject, key: string, at: JsonPath): [string, number] {
  const value = json[key];
  if (!Array.isArray(value) || value.length !== 2 || !isStr(value[0] ?? null) || !Number.isInteger(value[1]) || (value[1] as number) < 0) {
    throw at.error(`field ${at.at(key).path} should be a [token, id] pair`);
  }
  return [value[0] as string, value[1] as number];
}

function readTemplateProcessing(json: JsonObject, at: JsonPath, ids: TokenIds): PostProcessor {
  const pieces = (key: 'single' | 'pair'): TemplatePiece[] =>
    (at.array(json, key) ?? []).map((item, i) => {
      const where = at.at(key).at(i);
      const piece = where.object(item);
      const sequence = piece['Sequence'];
      const special = piece['SpecialToken'];
      const inner = where.object(sequence ?? special ?? null);
      const typeId = where.integer(inner, 'type_id', 0, MAX_ID) ?? 0;
      const id = inner['id'];
      if (sequence !== undefined) {
        if (id !== 'A' && id !== 'B') throw where.error(`${where.path}.Sequence.id should be "A" or "B"`);
        return { sequence: id, typeId };
      }
      if (!isStr(id ?? null)) throw where.error(`${where.path}.SpecialToken.id should be a string`);
      return { special: id as string, typeId };
    });
  const single = pieces('single');
  const pair = pieces('pair');
  const specialJson = json['special_tokens'] === undefined || json['special_tokens'] === null ? {} : at.at('special_tokens').object(json['special_tokens']);
  const specialTokens: TemplateSpecialToken[] = Object.entries(specialJson).map(([name, value]) => {
    const where = at.at('special_tokens').at(name);
    const entry = where.object(value);
    const idsJson = where.array(entry, 'ids') ?? [];
    const tokensJson = where.array(entry, 'tokens') ?? [];
    if (!idsJson.every((id) => Number.isInteger(id) && (id as number) >= 0 && (id as number) <= MAX_ID) || !tokensJson.every((t) => isStr(t))) {
      throw where.error(`${where.path} needs ids (whole numbers) and tokens (strings)`);
    }
    return { id: where.string(entry, 'id') ?? name, ids: idsJson as number[], tokens: tokensJson as string[] };
  });
  const known = new Set(specialTokens.map((t) => t.id));
  for (const piece of [...single, ...pair]) {
    if (!('special' in piece) || known.has(piece.special)) continue;
    const id = ids(piece.special);
    if (id === undefined) throw at.error(`${at.path}: special token ${valuePreview(piece.special)} is neither in special_tokens nor in the vocabulary`);
    specialTokens.push({ id: piece.special, ids: [id], tokens: [piece.special] });
    known.add(piece.special);
  }
  return new TemplateProcessing({ single, pair, specialTokens });
}

function readAddedTokens(json: JsonObject, at: JsonPath): AddedToken[] {
  return (at.array(json, 'added_tokens') ?? []).map((item, i) => {
    const id = isObj(item) ? item['id'] : undefined;
    if (!isObj(item) || typeof item['content'] !== 'string' || !Number.isInteger(id) || (id as number) < 0 || (id as number) > MAX_ID) {
      throw at.error(`added_tokens[${i}] needs a string content and an id from 0 to ${MAX_ID}`);
    }
    const where = at.at('added_tokens').at(i);
    const special = where.bool(item, 'special') ?? false;
    const token: AddedToken = { content: item['content'], id: id as number, special };
    for (const [key, name] of [['single_word', 'singleWord'], ['lstrip', 'lstrip'], ['rstrip', 'rstrip'], ['normalized', 'normalized']] as const) {
      const flag = where.bool(item, key);
      if (flag !== undefined) token[name] = flag;
    }
    return token;
  });
}

const STRATEGIES: Record<string, TruncationStrategy> = { LongestFirst: 'longest_first', OnlyFirst: 'only_first', OnlySecond: 'only_second' };

function readTruncation(json: JsonObject, root: JsonPath): TruncationParams | null {
  if (json['truncation'] === undefined || json['truncation'] === null) return null;
  const at = root.at('truncation');
  const obj = at.object(json['truncation']);
  const direction = at.string(obj, 'direction') ?? 'Right';
  if (direction !== 'Right') throw at.error(`${at.at('direction').path} ${valuePreview(direction)} is not implemented`);
  const strategyName = at.string(obj, 'strategy') ?? 'LongestFirst';
  const strategy = Object.hasOwn(STRATEGIES, strategyName) ? STRATEGIES[strategyName] : undefined;
  if (strategy === undefined) throw at.error(`${at.at('strategy').path} ${valuePreview(strategyName)} is not implemented`);
  const maxLength = at.integer(obj, 'max_length', 0, MAX_LENGTH);
  if (maxLength === undefined) throw at.error(`${at.at('max_length').path} is missing`);
  return { maxLength, strategy, stride: at.integer(obj, 'stride', 0, MAX_LENGTH) ?? 0 };
}

function readPadding(json: JsonObject, root: JsonPath): PaddingParams | null {
  if (json['padding'] === undefined || json['padding'] === null) return null;
  const at = root.at('padding');
  const obj = at.object(json['padding']);
  const direction = at.string(obj, 'direction') ?? 'Right';
  if (direction !== 'Right') throw at.error(`${at.at('direction').path} ${valuePreview(direction)} is not implemented`);
  const strategy = obj['strategy'] ?? 'BatchLongest';
  let length: number | 'longest';
  if (strategy === 'BatchLongest') length = 'longest';
  else if (isObj(strategy) && Number.isInteger(strategy['Fixed']) && (strategy['Fixed'] as number) >= 0 && (strategy['Fixed'] as number) <= MAX_LENGTH) length = strategy['Fixed'] as number;
  else throw at.error(`${at.at('strategy').path} should be "BatchLongest" or {"Fixed": length} with a length from 0 to ${MAX_LENGTH}`);
  const multiple = at.integer(obj, 'pad_to_multiple_of', 1, MAX_LENGTH);
  return {
    length,
    ...(multiple !== undefined ? { padToMultipleOf: multiple } : {}),
    padId: at.integer(obj, 'pad_id', 0, MAX_ID) ?? 0,
    padTypeId: at.integer(obj, 'pad_type_id', 0, MAX_ID) ?? 0,
    padToken: at.string(obj, 'pad_token') ?? '[PAD]',
  };
}

/** The stages of a parsed tokenizer.json; `file` names it in errors. */
export function parseTokenizerJson(json: JsonObject, file: string): TokenizerStages {
  const root = new JsonPath(file);
  if (json['model'] === undefined || json['model'] === null) throw root.error('model is missing');
  const addedTokens = readAddedTokens(json, root);
  const noIds: TokenIds = () => undefined;
  const model = stageAt(json['model'], MODELS, root.at('model'), noIds);
  const added = new Map(addedTokens.map((t) => [t.content, t.id]));
  const ids: TokenIds = (token) => added.get(token) ?? model.tokenToId(token);
  return {
    normalizer: stage(json, 'normalizer', NORMALIZERS, root, ids),
    preTokenizer: stage(json, 'pre_tokenizer', PRE_TOKENIZERS, root, ids),
    model,
    postProcessor: stage(json, 'post_processor', POST_PROCESSORS, root, ids),
    decoder: stage(json, 'decoder', DECODERS, root, ids),
    addedTokens,
    truncation: readTruncation(json, root),
    padding: readPadding(json, root),
  };
}

export function readTokenizerJsonFile(path: string): TokenizerStages {
  return parseTokenizerJson(readJsonObject(path), path);
}

/** The stages of tokenizer.json text; `source` names it in errors. */
export function parseTokenizerJsonText(text: string, source: string): TokenizerStages {
  return parseTokenizerJson(parseJsonObject(text, source), source);
}

/** What tokenizer.json holds of a tokenizer. */
export interface TokenizerJsonStages {
  normalizer: Normalizer | null;
  preTokenizer: PreTokenizer | null;
  model: Model;
  postProcessor: PostProcessor | null;
  decoder: Decoder | null;
  addedVocabulary: AddedVocabulary;
  truncation: TruncationParams | null;
  padding: PaddingParams | null;
}

const STRATEGY_NAMES: Record<TruncationStrategy, string> = { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' };

/** tokenizer.json text, in the reference's key order. */
export function tokenizerJsonText(stages: TokenizerJsonStages): string {
  const { truncation: t, padding: p } = stages;
  return JSON.stringify({
    version: '1.0',
    truncation: t === null ? null : { direction: 'Right', max_length: t.maxLength, strategy: STRATEGY_NAMES[t.strategy], stride: t.stride },
    padding:
      p === null
        ? null
        : {
            strategy: p.length === 'longest' ? 'BatchLongest' : { Fixed: p.length },
            direction: 'Right',
            pad_to_multiple_of: p.padToMultipleOf ?? null,
            pad_id: p.padId,
            pad_type_id: p.padTypeId,
            pad_token: p.padToken,
          },
    added_tokens: stages.addedVocabulary.toJSON(),
    normalizer: stages.normalizer?.toJSON() ?? null,
    pre_tokenizer: stages.preTokenizer?.toJSON() ?? null,
    post_processor: stages.postProcessor?.toJSON() ?? null,
    decoder: stages.decoder?.toJSON() ?? null,
    model: stages.model.toJSON(),
  });
}

