/**
 * Word-level encoding (transformers' `is_split_into_words=True`) against Hugging Face `tokenizers` (Rust, npm).
 *
 * The npm binding (0.23) cannot take a list of words: its `encode` is declared with InputSequence but converts its
 * argument to a Rust String ("Failed to convert JavaScript value `Object [...]` into rust type `String`"), and
 * `isPretokenized` has nothing to act on. So the reference is built as the Rust core builds a pre-tokenized
 * encoding (tokenizer/mod.rs encode_single_sequence): each word encoded by Rust on its own, without special tokens;
 * the per-word encodings concatenated with every token's word id set to the word's index and offsets kept within
 * each word (Encoding::merge without growing offsets); then BertProcessing's `[CLS] A [SEP] (B [SEP])`. Everything
 * a word turns into — normalization, added tokens, the pre-tokenizer's further splits ("U.S."), WordPiece — comes
 * from Rust.
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertTokenizer, type Encoding } from '../../src/tokenizer/index.js';
import { TokenizerError } from '../../src/errors.js';
import { brownFiles, brownSentences, unicodeEdgeCases } from '../tokenizer/corpora.js';
import { referenceTokenizer, toCodePointOffsets } from '../tokenizer/reference.js';
import type * as Hf from 'tokenizers';
import '../helpers/node-runtime.js';

const CASED_VOCAB = 'test/fixtures/tokenizer/brown-nlp-cased-12000-vocab.txt';

/** Words with punctuation inside, accents, CJK, emoji, control and zero-width characters, an added token. */
const AWKWARD_WORDS = [
  'U.S.', "don't", 'e-mail', 'Café', 'naïve', 'Ångström', 'Zürich', 'São', 'Œuvre', 'ﬁne', '東京都', 'emoji😀x',
  '$3.50', '--', "''", '...', 'a\u200bb', '\u00a0', '', 'x\ty', '[SEP]', 'pre[MASK]post', 'İstanbul', 'ǅemal',
];

interface ReferenceWord {
  ids: number[];
  offsets: number[];
}

/** One word as Rust encodes it alone (no special tokens), cached: the encoding of a word does not depend on others. */
class ReferenceWords {
  private readonly cache = new Map<string, ReferenceWord>();
  constructor(private readonly reference: Hf.Tokenizer) {}

  async load(words: readonly string[]): Promise<void> {
    const missing = [...new Set(words)].filter((w) => !this.cache.has(w));
    for (let from = 0; from < missing.length; from += 4096) {
      const batch = missing.slice(from, from + 4096);
      const encodings = await this.reference.encodeBatch(batch, { addSpecialTokens: false });
      batch.forEach((word, k) => {
        const e = encodings[k]!;
        this.cache.set(word, { ids: e.getIds(), offsets: e.getOffsets().flat() });
      });
    }
  }

  get(word: string): ReferenceWord {
    const found = this.cache.get(word);
    if (found === undefined) throw new Error(`word ${JSON.stringify(word)} not loaded`);
    return found;
  }
}

interface Expected {
  ids: number[];
  typeIds: number[];
  wordIds: number[];
  /** Code point offsets, [0, 0] for special tokens. */
  offsets: number[];
}

/** `[CLS] A [SEP] (B [SEP])` over the per-word encodings, A cut to `keepA` tokens (truncation of a single sequence). */
function expectedEncoding(words: ReferenceWords, cls: number, sep: number, a: readonly string[], b?: readonly string[], keepA = Infinity): Expected {
  const out: Expected = { ids: [cls], typeIds: [0], wordIds: [-1], offsets: [0, 0] };
  const add = (seq: readonly string[], typeId: number, keep: number): void => {
    seq.forEach((word, index) => {
      const w = words.get(word);
      w.ids.forEach((id, k) => {
        if (out.ids.length - 1 >= keep) return;
        out.ids.push(id);
        out.typeIds.push(typeId);
        out.wordIds.push(index);
        out.offsets.push(w.offsets[2 * k]!, w.offsets[2 * k + 1]!);
      });
    });
    out.ids.push(sep);
    out.typeIds.push(typeId);
    out.wordIds.push(-1);
    out.offsets.push(0, 0);
  };
  add(a, 0, keepA);
  if (b !== undefined) add(b, 1, Infinity);
  return out;
}

/** Ours in the same form (offsets as code points within each word). */
function actualEncoding(e: Encoding, a: readonly string[], b?: readonly string[]): Expected {
  const offsets: number[] = [];
  for (let i = 0; i < e.length; i++) {
    const word = e.wordIds[i]!;
    if (word < 0) {
      offsets.push(0, 0);
      continue;
    }
    const text = (e.sequenceIds[i] === 1 ? b : a)![word]!;
    offsets.push(...toCodePointOffsets(text, e.offsets.subarray(2 * i, 2 * i + 2)));
  }
  return { ids: Array.from(e.ids), typeIds: Array.from(e.typeIds), wordIds: Array.from(e.wordIds), offsets };
}

/** Brown sentences as words (every `every`-th sentence of every file), as a CoNLL file would give them. */
function brownWordSentences(every: number): string[][] {
  const out: string[][] = [];
  for (const file of brownFiles()) {
    brownSentences(file).forEach((sentence, i) => {
      if (i % every === 0) out.push(sentence.split(' '));
    });
  }
  return out;
}

for (const cased of [false, true]) {
  const label = cased ? 'cased' : 'uncased';
  test(`${label}: encodeWords matches Rust's pre-tokenized encoding (ids, type ids, word ids, offsets) on Brown words and awkward words`, async () => {
    const vocab = cased ? CASED_VOCAB : BERT_BASE_UNCASED_VOCAB;
    const mine = BertTokenizer.fromVocabFile(vocab, { doLowerCase: !cased });
    const reference = await referenceTokenizer(vocab, { lowercase: !cased });
    const cls = mine.tokenToId('[CLS]')!;
    const sep = mine.tokenToId('[SEP]')!;
    const sentences = brownWordSentences(5);
    const edgeWords = unicodeEdgeCases().flatMap((line) => line.split(' '));
    sentences.push(AWKWARD_WORDS, edgeWords.slice(0, 200), edgeWords.slice(200));
    const words = new ReferenceWords(reference);
    await words.load(sentences.flat());
    let compared = 0;
    let splitFurther = 0;
    for (const sentence of sentences) {
      const ours = actualEncoding(mine.encodeWords(sentence), sentence);
      assert.deepEqual(ours, expectedEncoding(words, cls, sep, sentence), JSON.stringify(sentence).slice(0, 300));
      compared++;
      for (const word of sentence) if (mine.preTokenize(word).length > 1) splitFurther++;
    }
    // Pairs: consecutive sentences.
    for (let i = 0; i + 1 < sentences.length; i += 7) {
      const [a, b] = [sentences[i]!, sentences[i + 1]!];
      assert.deepEqual(actualEncoding(mine.encodeWords(a, b), a, b), expectedEncoding(words, cls, sep, a, b));
      compared++;
    }
    console.log(`encodeWords ${label}: ${compared} sentences and pairs identical; ${splitFurther} words split further by the pre-tokenizer`);
    assert.ok(compared > 5000 && splitFurther > 1000);
  });
}

test('encodeWords truncates to maxLength at token level, keeping the word ids of the tokens kept', async () => {
  const mine = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const reference = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
  const words = new ReferenceWords(reference);
  const sentence = ['Unaffable', 'U.S.', 'officials', 'in', 'Zürich', 'said', 'so'];
  await words.load(sentence);
  const cls = mine.tokenToId('[CLS]')!;
  const sep = mine.tokenToId('[SEP]')!;
  for (const maxLength of [2, 3, 5, 8, 64]) {
    const ours = actualEncoding(mine.encodeWords(sentence, undefined, { maxLength }), sentence);
    assert.deepEqual(ours, expectedEncoding(words, cls, sep, sentence, undefined, maxLength - 2), `maxLength ${maxLength}`);
    assert.ok(ours.ids.length <= maxLength);
  }
});

test('encodeWords pads like encode and leaves a word that yields no token unused', () => {
  const mine = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const e = mine.encodeWords(['hello', ' ', 'world'], undefined, { padding: 'max_length', maxLength: 8 });
  assert.deepEqual(e.words(), [null, 0, 2, null, null, null, null, null]);
  assert.deepEqual(Array.from(e.attentionMask), [1, 1, 1, 1, 0, 0, 0, 0]);
});

test('encodeWords rejects what is not a list of strings with a TokenizerError naming the word', () => {
  const mine = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  assert.throws(() => mine.encodeWords(['a', 3 as unknown as string]), (e: unknown) => e instanceof TokenizerError && /words\[1\] must be a string, got 3/.test(e.message));
  assert.throws(() => mine.encodeWords('a b' as unknown as string[]), TokenizerError);
});
