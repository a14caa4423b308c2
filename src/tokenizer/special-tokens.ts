/**
 * The special tokens of a preset (BertTokenizer, RobertaTokenizer) resolved to ids — the vocabulary's, else an added
 * token's — and listed as the added tokens the pipeline finds verbatim in raw text (transformers registers them so).
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import type { AddedToken } from './added-vocabulary.js';

/** `roles`: [key, role in error messages], in the order the added tokens are listed. */
export function resolveSpecialTokens<K extends string>(
  roles: ReadonlyArray<readonly [K, string]>,
  tokens: Readonly<Record<K, string>>,
  vocabId: (token: string) => number | undefined,
  added: readonly AddedToken[],
  source: string,
): { ids: Record<K, number>; specials: AddedToken[] } {
  const addedIds = new Map(added.map((t) => [t.content, t.id]));
  const ids: Partial<Record<K, number>> = {};
  const specials: AddedToken[] = [];
  for (const [key, role] of roles) {
    const token = tokens[key];
    const id = vocabId(token) ?? addedIds.get(token);
    if (id === undefined) throw new TokenizerError(`${source}: the ${role} token ${valuePreview(token)} is missing`);
    specials.push({ content: token, id, special: true, normalized: false });
    ids[key] = id;
  }
  return { ids: ids as Record<K, number>, specials };
}

/**
 * The usual spellings of each special role, tried in order: BERT's and ALBERT's bracket tokens, then RoBERTa's angle
 * tokens. For a tokenizer that names no roles (one read from a bare tokenizer.json), or code that takes any tokenizer.
 */
export const SPECIAL_TOKEN_SPELLINGS = {
  cls: ['[CLS]', '<s>'],
  sep: ['[SEP]', '</s>'],
  mask: ['[MASK]', '<mask>'],
  pad: ['[PAD]', '<pad>'],
} as const;
export type SpecialTokenRole = keyof typeof SPECIAL_TOKEN_SPELLINGS;

/** The id of the first of `role`'s usual spellings the tokenizer knows, if any. */
export function specialTokenIdBySpelling(tokenizer: { tokenToId(token: string): number | undefined }, role: SpecialTokenRole): number | undefined {
  for (const spelling of SPECIAL_TOKEN_SPELLINGS[role]) {
    const id = tokenizer.tokenToId(spelling);
    if (id !== undefined) return id;
  }
  return undefined;
}
