/**
 * What a tokenizer reader produced, used: the vocabulary, special and added tokens, options, and the encoding and
 * decoding of a sample pair. A reader that accepts a file must hand back a tokenizer that works, so an error from
 * using it counts like an error from reading it.
 */
import { BertTokenizer } from '../../../src/tokenizer/bert-tokenizer.js';
import { textDigest } from '../digest.js';
import { Finding } from '../finding.js';
import '../../helpers/node-runtime.js';

const TEXT = 'Hello, World! [MASK] naïve café 東京 don\'t 123 the was';
const PAIR = 'is it [UNK] test? [SEP]';
/** The largest id an encoding can hold (ids are int32). */
const MAX_ID = 2 ** 31 - 1;

export function tokenizerDigest(tokenizer: BertTokenizer, where: string): string {
  for (const [token, id] of tokenizer.addedTokens) {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new Finding(`${where}: accepted added token ${JSON.stringify(token)} with id ${id}, which an encoding cannot hold`);
  }
  const encoding = tokenizer.encode(TEXT, PAIR);
  const ids = Array.from(encoding.ids);
  return textDigest([
    tokenizer.vocab.tokens,
    tokenizer.specialTokens,
    [tokenizer.unkTokenId, tokenizer.sepTokenId, tokenizer.padTokenId, tokenizer.clsTokenId, tokenizer.maskTokenId, tokenizer.vocabSize],
    [tokenizer.doLowerCase, tokenizer.stripAccents, tokenizer.tokenizeChineseChars, tokenizer.cleanText, tokenizer.modelMaxLength ?? null],
    [...tokenizer.addedTokens],
    ids,
    Array.from(encoding.typeIds),
    Array.from(encoding.offsets),
    tokenizer.decode(ids),
    tokenizer.decode(ids, { skipSpecialTokens: true }),
  ]);
}

export function readTokenizerFolder(dir: string): string {
  return tokenizerDigest(BertTokenizer.fromPretrained(dir), dir);
}
