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
