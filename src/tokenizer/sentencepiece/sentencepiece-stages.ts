/**
 * A SentencePiece Unigram model as the stages of a Hugging Face pipeline, encoding as sentencepiece does
 * (SentencePieceProcessor::Encode, without special-token handling, which sentencepiece does not do either):
 * - normalizer: the precompiled rules (Precompiled), then remove_extra_whitespaces as two Replace rules — leading
 *   and trailing spaces dropped, runs of spaces made one (normalizer.cc removes only U+0020, as these do);
 * - pre-tokenizer: Metaspace — spaces become `▁`, add_dummy_prefix puts one before the text, and each `▁` starts a
 *   word (sentencepiece's pieces never hold `▁` after their first character when trained with
 *   split_by_whitespace, the default, so Viterbi per word is Viterbi over the whole text);
 * - model: Unigram over the NORMAL and USER_DEFINED pieces, with the model's unknown piece and byte fallback;
 * - decoder: Metaspace.
 * The same stages written to tokenizer.json load in Hugging Face tokenizers (differences: docs/tokenizer.md).
 */
import { TokenizerError } from '../../errors.js';
import { MetaspaceDecoder } from '../decoders/metaspace-decoder.js';
import { Unigram } from '../models/unigram.js';
import type { Normalizer } from '../normalizers/normalizer.js';
import { Precompiled } from '../normalizers/precompiled.js';
import { Replace } from '../normalizers/replace.js';
import { NormalizerSequence } from '../normalizers/sequence.js';
import { Metaspace } from '../pre-tokenizers/metaspace.js';
import type { TokenizerStages } from '../tokenizer.js';
import { parseSentencePieceModel, type SentencePieceModel } from './model-proto.js';

/** sentencepiece's word-boundary symbol, kSpaceSymbol. */
export const SPACE_SYMBOL = '\u2581';

/** remove_extra_whitespaces: spaces at either end dropped, then runs of spaces made one. */
export function extraWhitespaceRules(): Normalizer[] {
  return [new Replace({ Regex: '^ +| +$' }, ''), new Replace({ Regex: ' {2,}' }, ' ')];
}

/** The compiled rules, or none for the identity normalizer. */
export function precompiledRules(model: SentencePieceModel, source: string): Normalizer[] {
  return model.normalizer.precompiledCharsmap.length === 0 ? [] : [new Precompiled(model.normalizer.precompiledCharsmap, `${source}: normalizer_spec`)];
}

/** Checks the settings these stages can express (a Unigram model, whitespace as a prefix, escaped). */
export function checkSupported(model: SentencePieceModel, source: string): void {
  if (model.modelType !== 'UNIGRAM') throw new TokenizerError(`${source}: trainer_spec.model_type ${model.modelType} is not implemented (only UNIGRAM)`);
  if (model.treatWhitespaceAsSuffix) throw new TokenizerError(`${source}: trainer_spec.treat_whitespace_as_suffix is not implemented`);
  if (!model.normalizer.escapeWhitespaces) throw new TokenizerError(`${source}: normalizer_spec.escape_whitespaces false is not implemented`);
}

/** The Unigram model of `model`'s pieces; `scores` may adjust them (ALBERT's conversion does). */
export function unigramOf(model: SentencePieceModel, scores: (piece: string, score: number) => number = (_p, s) => s): Unigram {
  return new Unigram(
    model.pieces.map((p) => [p.piece, scores(p.piece, p.score)] as const),
    {
      unkId: model.unkId,
      byteFallback: model.byteFallback,
      arithmetic: 'sentencepiece',
      matchable: (id) => {
        const type = model.pieces[id]?.type;
        return type === 'NORMAL' || type === 'USER_DEFINED';
      },
    },
  );
}

/** Metaspace as add_dummy_prefix asks. */
export function metaspaceStages(model: SentencePieceModel): Pick<TokenizerStages, 'preTokenizer' | 'decoder'> {
  const scheme = model.normalizer.addDummyPrefix ? 'always' : 'never';
  return { preTokenizer: new Metaspace(SPACE_SYMBOL, scheme, true), decoder: new MetaspaceDecoder(SPACE_SYMBOL, scheme, true) };
}

/** The stages of a parsed model, sentencepiece's encoding. */
export function sentencePieceStages(model: SentencePieceModel, source: string): TokenizerStages {
  checkSupported(model, source);
  const rules = [...precompiledRules(model, source), ...(model.normalizer.removeExtraWhitespaces ? extraWhitespaceRules() : [])];
  return { normalizer: new NormalizerSequence(rules), model: unigramOf(model), ...metaspaceStages(model) };
}

/** The stages of a `.model` file's bytes; `source` names it in errors. */
export function sentencePieceStagesFromBytes(bytes: Uint8Array, source: string): TokenizerStages {
  return sentencePieceStages(parseSentencePieceModel(bytes, source), source);
}
