/**
 * AlbertTokenizer: transformers' AlbertTokenizerFast as a preset of the generic Tokenizer, built from a SentencePiece
 * `spiece.model` as transformers' AlbertConverter builds it (convert_slow_tokenizer.py), or read from its
 * tokenizer.json:
 * - normalizer: the slow tokenizer's preprocess_text — whitespace runs made one space and stripped (remove_space:
 *   transformers' converter leaves this out, so its fast tokenizer keeps a "▁" for a trailing space), `` and ''
 *   to ", NFKD + StripAccents unless keep_accents, Lowercase with do_lower_case — then the model's precompiled rules
 *   and runs of spaces made one;
 * - pre-tokenizer and decoder: Metaspace (`▁`, prepended always);
 * - model: Unigram, with the converter's penalty of 100 on pieces that end in a digit and a comma ("9,"), which
 *   makes the fast tokenizer split numbers from commas as the slow one does by re-encoding;
 * - post-processor: `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]`, type ids 0 / 1 (a TemplateProcessing);
 * - the five special tokens as added tokens.
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import type { AddedToken } from './added-vocabulary.js';
import { JsonPath, parseJsonObject, readJsonObject, type JsonObject } from './json-fields.js';
import { Unigram } from './models/unigram.js';
import { CharMapping } from './normalizers/char-mapping.js';
import type { Normalizer } from './normalizers/normalizer.js';
import { Replace } from './normalizers/replace.js';
import { NormalizerSequence } from './normalizers/sequence.js';
import { Strip } from './normalizers/strip.js';
import { tokenField, writeFolderTexts } from './pretrained-files.js';
import { TemplateProcessing } from './processors/template-processing.js';
import { parseSentencePieceModel } from './sentencepiece/model-proto.js';
import { checkSupported, metaspaceStages, precompiledRules, unigramOf } from './sentencepiece/sentencepiece-stages.js';
import { Tokenizer, type TokenizerStages } from './tokenizer.js';
import { parseTokenizerJson } from './tokenizer-json.js';

export interface AlbertSpecialTokens {
  unkToken: string;
  sepToken: string;
  padToken: string;
  clsToken: string;
  maskToken: string;
}

export const ALBERT_SPECIAL_TOKENS: AlbertSpecialTokens = {
  unkToken: '<unk>',
  sepToken: '[SEP]',
  padToken: '<pad>',
  clsToken: '[CLS]',
  maskToken: '[MASK]',
};

export interface AlbertTokenizerOptions extends Partial<AlbertSpecialTokens> {
  /** Lowercase the text. Default true, as albert-base-v2. */
  doLowerCase?: boolean;
  /** Keep accents (else NFKD and combining marks dropped). Default false. */
  keepAccents?: boolean;
  /** Strip whitespace around the text. Default true. */
  removeSpace?: boolean;
  /** tokenizer_config.json's model_max_length; informative. */
  modelMaxLength?: number;
}

/** The settings of a tokenizer, resolved. */
interface AlbertSettings {
  specialTokens: AlbertSpecialTokens;
  doLowerCase: boolean;
  keepAccents: boolean;
  removeSpace: boolean;
  modelMaxLength: number | undefined;
}

const SPECIAL_KEYS: ReadonlyArray<[keyof AlbertSpecialTokens, string]> = [
  ['unkToken', 'unk_token'],
  ['sepToken', 'sep_token'],
  ['padToken', 'pad_token'],
  ['clsToken', 'cls_token'],
  ['maskToken', 'mask_token'],
];

const TOKENIZER_FILE = { error: TokenizerError } as const;
const TOKENIZER_FOLDER = { label: 'tokenizer folder', error: TokenizerError } as const;

/**
 * What Python's str.split() splits on (str.isspace), which the slow tokenizer's remove_space collapses to one space:
 * more than Rust's whitespace (U+001C–U+001F) and than JavaScript's \s (which adds U+FEFF). Written as literal
 * characters, so the pattern means the same to both regex engines.
 */
const PYTHON_WHITESPACE = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** transformers' check_number_comma: false for a piece like "9," (a digit, then a comma, at its end). */
function numberComma(piece: string): boolean {
  return piece.length >= 2 && piece.endsWith(',') && /\p{Nd}/u.test(piece.charAt(piece.length - 2));
}

function settingsOf(options: AlbertTokenizerOptions): AlbertSettings {
  return {
    specialTokens: {
      unkToken: options.unkToken ?? ALBERT_SPECIAL_TOKENS.unkToken,
      sepToken: options.sepToken ?? ALBERT_SPECIAL_TOKENS.sepToken,
      padToken: options.padToken ?? ALBERT_SPECIAL_TOKENS.padToken,
      clsToken: options.clsToken ?? ALBERT_SPECIAL_TOKENS.clsToken,
      maskToken: options.maskToken ?? ALBERT_SPECIAL_TOKENS.maskToken,
    },
    doLowerCase: options.doLowerCase ?? true,
    keepAccents: options.keepAccents ?? false,
    removeSpace: options.removeSpace ?? true,
    modelMaxLength: options.modelMaxLength,
  };
}

/** ALBERT's normalizer chain (see the file comment) around the model's precompiled rules. */
function albertNormalizer(settings: AlbertSettings, precompiled: readonly Normalizer[]): Normalizer {
  return new NormalizerSequence([
    ...(settings.removeSpace ? [new Replace({ Regex: `[${PYTHON_WHITESPACE}]+` }, ' '), new Strip(true, true)] : []),
    new Replace({ String: '``' }, '"'),
    new Replace({ String: "''" }, '"'),
    ...(settings.keepAccents ? [] : [new CharMapping('NFKD'), new CharMapping('StripAccents')]),
    ...(settings.doLowerCase ? [new CharMapping('Lowercase')] : []),
    ...precompiled,
    new Replace({ Regex: ' {2,}' }, ' '),
  ]);
}

/** The special tokens as added tokens, each looked up in the model. */
function specialAddedTokens(specials: AlbertSpecialTokens, ids: (token: string) => number | undefined, source: string): AddedToken[] {
  return SPECIAL_KEYS.map(([key, jsonKey]) => {
    const token = specials[key];
    const id = ids(token);
    if (id === undefined) throw new TokenizerError(`${source}: the ${jsonKey} ${valuePreview(token)} is not a piece of the model`);
    return { content: token, id, special: true, normalized: false, ...(key === 'maskToken' ? { lstrip: true } : {}) };
  });
}

function albertTemplate(specials: AlbertSpecialTokens, ids: readonly AddedToken[]): TemplateProcessing {
  const { clsToken: cls, sepToken: sep } = specials;
  const idOf = (token: string): number => ids.find((t) => t.content === token)?.id ?? 0;
  return TemplateProcessing.fromStrings(`${cls}:0 $A:0 ${sep}:0`, `${cls}:0 $A:0 ${sep}:0 $B:1 ${sep}:1`, [
    [cls, idOf(cls)],
    [sep, idOf(sep)],
  ]);
}

export class AlbertTokenizer extends Tokenizer {
  readonly specialTokens: AlbertSpecialTokens;
  readonly unkTokenId: number;
  readonly sepTokenId: number;
  declare readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly maskTokenId: number;
  readonly doLowerCase: boolean;
  readonly keepAccents: boolean;
  readonly removeSpace: boolean;
  readonly modelMaxLength: number | undefined;
  /** The `spiece.model` bytes this tokenizer was built from (savePretrained copies them), if any. */
  readonly sentencePieceModel: Uint8Array | undefined;

  private constructor(stages: TokenizerStages, settings: AlbertSettings, spModel: Uint8Array | undefined, source: string) {
    super({ ...stages, padToken: settings.specialTokens.padToken }, source);
    this.specialTokens = settings.specialTokens;
    const id = (token: string): number => {
      const found = this.tokenToId(token);
      if (found === undefined) throw new TokenizerError(`${source}: the special token ${valuePreview(token)} is not in the vocabulary`);
      return found;
    };
    this.unkTokenId = id(settings.specialTokens.unkToken);
    this.sepTokenId = id(settings.specialTokens.sepToken);
    this.clsTokenId = id(settings.specialTokens.clsToken);
    this.maskTokenId = id(settings.specialTokens.maskToken);
    id(settings.specialTokens.padToken);
    this.doLowerCase = settings.doLowerCase;
    this.keepAccents = settings.keepAccents;
    this.removeSpace = settings.removeSpace;
    this.modelMaxLength = settings.modelMaxLength;
    this.sentencePieceModel = spModel;
  }

  /** Builds the tokenizer of a SentencePiece `spiece.model` (its bytes, or a path), as AlbertConverter does. */
  static fromSentencePiece(model: Uint8Array | string, options: AlbertTokenizerOptions = {}): AlbertTokenizer {
    if (typeof model === 'string') return AlbertTokenizer.fromModelBytes(fileAccess(model, TOKENIZER_FILE).readFile(model, TOKENIZER_FILE), options, model);
    return AlbertTokenizer.fromModelBytes(model, options, 'spiece.model');
  }

  /** fromSentencePiece on bytes; `source` names them in errors. */
  static fromModelBytes(bytes: Uint8Array, options: AlbertTokenizerOptions, source: string): AlbertTokenizer {
    const parsed = parseSentencePieceModel(bytes, source);
    checkSupported(parsed, source);
    const settings = settingsOf(options);
    const unigram = unigramOf(parsed, (piece, score) => (numberComma(piece) ? score - 100 : score));
    const added = specialAddedTokens(settings.specialTokens, (t) => unigram.tokenToId(t), source);
    const stages: TokenizerStages = {
      normalizer: albertNormalizer(settings, precompiledRules(parsed, source)),
      model: unigram,
      ...metaspaceStages(parsed),
      postProcessor: albertTemplate(settings.specialTokens, added),
      addedTokens: added,
    };
    return new AlbertTokenizer(stages, settings, bytes, source);
  }

  /** Reads a tokenizer.json with a Unigram model (as transformers writes ALBERT's); `options` name the special tokens. */
  static fromTokenizerJson(text: string, options: AlbertTokenizerOptions = {}, source = 'tokenizer.json'): AlbertTokenizer {
    return AlbertTokenizer.fromJsonObject(parseJsonObject(text, source), options, undefined, source);
  }

  /**
   * Loads a Hugging Face ALBERT folder: tokenizer.json if present, else spiece.model, with tokenizer_config.json
   * (do_lower_case, keep_accents, remove_space, special tokens) and special_tokens_map.json; `options` win.
   */
  static fromPretrained(dir: string, options: AlbertTokenizerOptions = {}): AlbertTokenizer {
    const files = fileAccess(dir, TOKENIZER_FOLDER);
    files.checkFolder(dir, TOKENIZER_FOLDER);
    const fromFiles: AlbertTokenizerOptions = {};
    for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
      const path = files.join(dir, name);
      const json = readJsonObject(path, true);
      if (json !== undefined) readAlbertConfig(json, path, fromFiles);
    }
    const merged = { ...fromFiles, ...options };
    const spPath = files.join(dir, 'spiece.model');
    const spModel = files.hasFile(spPath, TOKENIZER_FILE) ? files.readFile(spPath, TOKENIZER_FILE) : undefined;
    const jsonPath = files.join(dir, 'tokenizer.json');
    const json = readJsonObject(jsonPath, true);
    if (json !== undefined) return AlbertTokenizer.fromJsonObject(json, merged, spModel, jsonPath);
    if (spModel === undefined) throw new TokenizerError(`${dir}: no tokenizer.json or spiece.model in this folder`);
    return AlbertTokenizer.fromModelBytes(spModel, merged, spPath);
  }

  /** Writes spiece.model (when built from one), tokenizer.json, tokenizer_config.json and special_tokens_map.json. */
  savePretrained(dir: string): string[] {
    const s = this.specialTokens;
    const specialMap = {
      bos_token: s.clsToken,
      eos_token: s.sepToken,
      unk_token: s.unkToken,
      sep_token: s.sepToken,
      pad_token: s.padToken,
      cls_token: s.clsToken,
      mask_token: { content: s.maskToken, single_word: false, lstrip: true, rstrip: false, normalized: false },
    };
    const config = {
      tokenizer_class: 'AlbertTokenizer',
      do_lower_case: this.doLowerCase,
      keep_accents: this.keepAccents,
      remove_space: this.removeSpace,
      ...(this.modelMaxLength !== undefined ? { model_max_length: this.modelMaxLength } : {}),
      ...specialMap,
    };
    return writeFolderTexts(dir, [
      ...(this.sentencePieceModel !== undefined ? [['spiece.model', this.sentencePieceModel] as const] : []),
      ['tokenizer.json', this.toJSONString()],
      ['tokenizer_config.json', JSON.stringify(config, null, 2) + '\n'],
      ['special_tokens_map.json', JSON.stringify(specialMap, null, 2) + '\n'],
    ]);
  }

  private static fromJsonObject(json: JsonObject, options: AlbertTokenizerOptions, spModel: Uint8Array | undefined, source: string): AlbertTokenizer {
    const stages = parseTokenizerJson(json, source);
    if (!(stages.model instanceof Unigram)) throw new TokenizerError(`${source}: AlbertTokenizer needs a Unigram model, found ${valuePreview(stages.model.toJSON()['type'])}`);
    return new AlbertTokenizer(stages, settingsOf(options), spModel, source);
  }
}

/** tokenizer_config.json / special_tokens_map.json settings into `options`. */
function readAlbertConfig(json: JsonObject, path: string, options: AlbertTokenizerOptions): void {
  for (const [key, jsonKey] of SPECIAL_KEYS) {
    const token = tokenField(json, jsonKey, path);
    if (token !== undefined) options[key] = token;
  }
  const at = new JsonPath(path);
  const lower = at.bool(json, 'do_lower_case');
  if (lower !== undefined) options.doLowerCase = lower;
  const accents = at.bool(json, 'keep_accents');
  if (accents !== undefined) options.keepAccents = accents;
  const space = at.bool(json, 'remove_space');
  if (space !== undefined) options.removeSpace = space;
  const maxLength = at.field(json, 'model_max_length', 'a number', (v): v is number => typeof v === 'number');
  if (maxLength !== undefined && maxLength < 1e9) options.modelMaxLength = maxLength;
}
