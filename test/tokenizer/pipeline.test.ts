/**
 * The stages composed by the generic Tokenizer, each combination checked against Hugging Face `tokenizers` built
 * from the same stages: the staged BERT stages give the fused pass's words exactly; other pre-tokenizers, no
 * normalizer, no post-processor, and RoBERTa's template (`<s> $A </s></s> $B </s>`) on a toy vocabulary.
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import type * as Hf from 'tokenizers';
import { TokenizerError } from '../../src/errors.js';
import {
  BasicTokenizer,
  BertNormalizer,
  BertPreTokenizer,
  BertProcessing,
  Encoding,
  Punctuation,
  SequencePreTokenizer,
  StagedWordScanner,
  TemplateProcessing,
  Tokenizer,
  Vocab,
  Whitespace,
  WhitespaceSplit,
  WordPieceDecoder,
  WordPieceTokenizer,
  type PreTokenizer,
  type SplitBehavior,
  type WordScanner,
} from '../../src/tokenizer/index.js';
import { brownCorpus, spamAssassinLines, unicodeEdgeCases as edgeCases } from './corpora.js';
import { compareWithReference, hf, toCodePointOffsets } from './reference.js';
import '../helpers/node-runtime.js';

const CASED_VOCAB = 'test/fixtures/tokenizer/brown-nlp-cased-12000-vocab.txt';

/** Every word a scanner emits: its text, or (`detail`) its text, span and code point count. */
function words(scanner: WordScanner, text: string, detail = true): string[] {
  const out: string[] = [];
  scanner.scanRange(text, 0, text.length, {
    word(units, starts, ends, length, codePoints) {
      const word = String.fromCharCode(...units.subarray(0, length));
      out.push(detail ? `${word} ${starts[0]}-${ends[length - 1]} ${codePoints}` : word);
    },
    special() {},
  });
  return out;
}

test('the staged BertNormalizer + BertPreTokenizer give the fused pass (BasicTokenizer) word for word, span for span', () => {
  const lines = [...edgeCases(), ...brownCorpus().filter((_, i) => i % 8 === 0), ...spamAssassinLines().filter((_, i) => i % 40 === 0)];
  const settings = [
    { lowercase: true },
    { lowercase: false },
    { lowercase: true, stripAccents: false, cleanText: false, handleChineseChars: false },
  ];
  for (const setting of settings) {
    const fused = new BasicTokenizer({ ...setting, maxWordUnits: 202 });
    const staged = new StagedWordScanner(new BertNormalizer(setting), new BertPreTokenizer(), 202);
    let compared = 0;
    for (const line of lines) {
      assert.deepEqual(words(staged, line), words(fused, line), `${JSON.stringify(setting)}: ${JSON.stringify(line).slice(0, 200)}`);
      compared++;
    }
    assert.ok(compared > 10_000);
  }
  // Words longer than the model needs are cut to the unit limit but keep their full span and length.
  const long = 'x'.repeat(1000);
  assert.deepEqual(words(new StagedWordScanner(new BertNormalizer(), new BertPreTokenizer(), 202), long), [`${'x'.repeat(202)} 0-1000 1000`]);
});

test('every code point through the staged BERT stages is normalized and split as tokenizers does', () => {
  const staged = new StagedWordScanner(new BertNormalizer(), new BertPreTokenizer(), 256);
  const normalizer = hf.bertNormalizer({ cleanText: true, handleChineseChars: true, lowercase: true, stripAccents: true });
  const pre = hf.bertPreTokenizer();
  for (let first = 0; first <= 0x10ffff; first += 4096) {
    let text = '';
    for (let c = first; c < first + 4096; c++) if (c < 0xd800 || c > 0xdfff) text += 'a' + String.fromCodePoint(c) + (c % 3 === 0 ? ' ' : 'b');
    const theirs = pre.preTokenizeString(normalizer.normalizeString(text)).map(([word]) => word);
    assert.deepEqual(words(staged, text, false), theirs, `U+${first.toString(16)} block`);
  }
});

/** Our pipeline and the reference built from the same stages must agree on every line (ids, type ids, offsets, word ids). */
async function assertSameAsReference(name: string, mine: Tokenizer, reference: Hf.Tokenizer, lines: readonly (string | [string, string])[]): Promise<void> {
  const report = await compareWithReference(mine, reference, lines);
  console.log(`pipeline ${name}: ${report.compared} inputs, ${report.mismatches} mismatches`);
  assert.equal(report.mismatches, 0, `${name}:\n${report.examples.join('\n')}`);
}

function casedWordPiece(): WordPieceTokenizer {
  return new WordPieceTokenizer(Vocab.fromFile(CASED_VOCAB), { unkToken: '[UNK]' });
}

async function referenceWith(setup: (t: Hf.Tokenizer) => void): Promise<Hf.Tokenizer> {
  const t = new hf.Tokenizer(await hf.WordPiece.fromFile(CASED_VOCAB, { unkToken: '[UNK]' }));
  setup(t);
  return t;
}

test('other pre-tokenizers, no normalizer, no post-processor: the same tokens as tokenizers composed alike', async () => {
  const lines = [...edgeCases(), ...brownCorpus().filter((_, i) => i % 10 === 0), ...spamAssassinLines().filter((_, i) => i % 80 === 0)];
  const pairs: Array<[string, string]> = lines.slice(0, 300).map((a, i) => [a, lines[i + 1] ?? '']);
  const cases: Array<[string, PreTokenizer | null, Hf.PreTokenizer | null]> = [
    ['Whitespace', new Whitespace(), hf.whitespacePreTokenizer()],
    ['WhitespaceSplit', new WhitespaceSplit(), hf.whitespaceSplitPreTokenizer()],
    ['BertPreTokenizer without a normalizer', new BertPreTokenizer(), hf.bertPreTokenizer()],
    ['Sequence [WhitespaceSplit, Punctuation]', new SequencePreTokenizer([new WhitespaceSplit(), new Punctuation()]), hf.sequencePreTokenizer([hf.whitespaceSplitPreTokenizer(), hf.punctuationPreTokenizer('isolated')])],
    ['no pre-tokenizer', null, null],
  ];
  for (const [name, ours, theirs] of cases) {
    // No normalizer, post-processor or decoder: the reference's defaults ($A:0 $B:1, tokens joined by spaces).
    const mine = new Tokenizer({ preTokenizer: ours, model: casedWordPiece() });
    const reference = await referenceWith((t) => {
      if (theirs !== null) t.setPreTokenizer(theirs);
    });
    await assertSameAsReference(name, mine, reference, name === 'no pre-tokenizer' ? lines.slice(0, 500) : [...lines, ...pairs]);
  }
  const behaviors: Array<[SplitBehavior, string]> = [
    ['Removed', 'removed'],
    ['Isolated', 'isolated'],
    ['MergedWithPrevious', 'mergedWithPrevious'],
    ['MergedWithNext', 'mergedWithNext'],
    ['Contiguous', 'contiguous'],
  ];
  for (const [behavior, hfName] of behaviors) {
    const mine = new Tokenizer({ normalizer: new BertNormalizer({ lowercase: false }), preTokenizer: new SequencePreTokenizer([new WhitespaceSplit(), new Punctuation(behavior)]), model: casedWordPiece() });
    const reference = await referenceWith((t) => {
      t.setNormalizer(hf.bertNormalizer({ lowercase: false }));
      t.setPreTokenizer(hf.sequencePreTokenizer([hf.whitespaceSplitPreTokenizer(), hf.punctuationPreTokenizer(hfName)]));
    });
    await assertSameAsReference(`Punctuation ${behavior}`, mine, reference, [...lines.slice(0, 1500), 'the-final--countdown!? ...and "so" on--']);
  }
});

test('BERT stages composed by hand (Tokenizer, not the preset) are BertTokenizerFast', async () => {
  const vocab = Vocab.fromFile(BERT_BASE_UNCASED_VOCAB);
  const mine = new Tokenizer({
    normalizer: new BertNormalizer(),
    preTokenizer: new BertPreTokenizer(),
    model: new WordPieceTokenizer(vocab),
    postProcessor: new BertProcessing(['[SEP]', 102], ['[CLS]', 101]),
    decoder: new WordPieceDecoder(),
    addedTokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content) => ({ content, id: vocab.id(content) ?? -1, special: true })),
    padToken: '[PAD]',
  });
  assert.ok(mine.wordScanner instanceof BasicTokenizer, 'BertNormalizer + BertPreTokenizer run fused');
  const { referenceTokenizer } = await import('./reference.js');
  const reference = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
  const lines = [...edgeCases(), ...brownCorpus().filter((_, i) => i % 3 === 0)];
  await assertSameAsReference('BERT by hand', mine, reference, lines);
  const ids = Array.from(mine.encode('Hello, [MASK] world!').ids);
  assert.equal(mine.decode(ids), await reference.decode(ids, false));
  assert.equal(mine.decode(ids, { skipSpecialTokens: true }), await reference.decode(ids, true));
});

/** RoBERTa's special tokens on a toy WordPiece vocabulary (the template does not depend on the model). */
const TOY = ['<s>', '<pad>', '</s>', '<unk>', 'hello', 'world', '##s', ',', '!', 'the', 'a', '##b', 'is', 'it'];

function toyRoberta(): Tokenizer {
  const vocab = new Vocab(TOY);
  return new Tokenizer({
    normalizer: new BertNormalizer(),
    preTokenizer: new BertPreTokenizer(),
    model: new WordPieceTokenizer(vocab, { unkToken: '<unk>' }),
    postProcessor: TemplateProcessing.fromStrings('<s> $A </s>', '<s> $A </s> </s> $B </s>', [['<s>', 0], ['</s>', 2]]),
    decoder: new WordPieceDecoder(),
    addedTokens: ['<s>', '<pad>', '</s>', '<unk>'].map((content) => ({ content, id: vocab.id(content) ?? -1, special: true })),
    padToken: '<pad>',
  });
}

async function toyRobertaReference(): Promise<Hf.Tokenizer> {
  const t = new hf.Tokenizer(hf.WordPiece.init(Object.fromEntries(TOY.map((token, id) => [token, id])), { unkToken: '<unk>' }));
  t.setNormalizer(hf.bertNormalizer());
  t.setPreTokenizer(hf.bertPreTokenizer());
  t.setPostProcessor(hf.templateProcessing('<s> $A </s>', '<s> $A </s> </s> $B </s>', [['<s>', 0], ['</s>', 2]]));
  t.setDecoder(hf.wordPieceDecoder());
  t.addSpecialTokens(['<s>', '<pad>', '</s>', '<unk>']);
  return t;
}

/** Every field of an encoding, Rust offsets in code points. */
function fields(e: Encoding, a: string, b: string | undefined): unknown {
  const offA = toCodePointOffsets(a, e.offsets);
  const offB = b === undefined ? offA : toCodePointOffsets(b, e.offsets);
  return {
    ids: Array.from(e.ids),
    typeIds: Array.from(e.typeIds),
    attentionMask: Array.from(e.attentionMask),
    specialTokensMask: Array.from(e.specialTokensMask),
    wordIds: e.words(),
    sequenceIds: Array.from(e.sequenceIds, (s) => (s < 0 ? null : s)),
    offsets: offA.map((o, i) => (e.sequenceIds[i >> 1] === 1 ? offB[i] : o)),
  };
}

function referenceFields(e: Hf.Encoding): unknown {
  return {
    ids: e.getIds(),
    typeIds: e.getTypeIds(),
    attentionMask: e.getAttentionMask(),
    specialTokensMask: e.getSpecialTokensMask(),
    wordIds: e.getWordIds().map((w) => w ?? null),
    sequenceIds: e.getSequenceIds().map((s) => s ?? null),
    offsets: e.getOffsets().flat(),
  };
}

test("RoBERTa's template `<s> $A </s></s> $B </s>` is TemplateProcessing: every field as tokenizers gives it", async () => {
  const mine = toyRoberta();
  const reference = await toyRobertaReference();
  const pair = mine.encode('Hello, worlds!', 'the worlds is it');
  assert.deepEqual(mine.convertIdsToTokens(pair.ids), ['<s>', 'hello', ',', 'world', '##s', '!', '</s>', '</s>', 'the', 'world', '##s', 'is', 'it', '</s>']);
  assert.deepEqual(Array.from(pair.typeIds), new Array(14).fill(0), 'RoBERTa has no second token type');
  assert.deepEqual(Array.from(pair.specialTokensMask), [1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]);
  const inputs: Array<[string, string | undefined]> = [
    ['Hello, worlds!', 'the worlds is it'],
    ['hello', undefined],
    ['', undefined],
    ['', ''],
    ['a ab abb <s> x </s>', 'is it, the world?'],
    ['HELLO   world\tthe', 'ab!ab!'],
  ];
  for (const [a, b] of inputs) {
    for (const addSpecialTokens of [true, false]) {
      const ours = mine.encode(a, b, { addSpecialTokens });
      const theirs = await reference.encode(a, b ?? null, { addSpecialTokens });
      assert.deepEqual(fields(ours, a, b), referenceFields(theirs), `${JSON.stringify([a, b])} addSpecialTokens ${addSpecialTokens}`);
    }
  }
  // Truncation leaves room for the template's 4 pair tokens, padding uses <pad>.
  reference.setTruncation(9);
  reference.setPadding({ maxLength: 12, padId: 1, padToken: '<pad>' });
  const a = 'hello world hello world the a';
  const b = 'is it the world';
  const ours = mine.encode(a, b, { maxLength: 9, padding: 'max_length', truncation: 'longest_first' });
  const padded = ours.pad(12, 1);
  assert.deepEqual(fields(padded, a, b), referenceFields(await reference.encode(a, b)));
  assert.equal(mine.decode(ours.ids, { skipSpecialTokens: true }), await reference.decode(Array.from(ours.ids), true));
});

test('TemplateProcessing refuses templates the reference refuses, and a missing pair template is an error, not an empty encoding', () => {
  const special: Array<[string, number]> = [['<s>', 0], ['</s>', 2]];
  assert.throws(() => TemplateProcessing.fromStrings('<s> </s>', '', special), /single template must use \$A/);
  assert.throws(() => TemplateProcessing.fromStrings('$A', '$A <s>', special), /pair template must use both/);
  assert.throws(() => TemplateProcessing.fromStrings('[CLS] $A', '', special), /\[CLS\].*has no ids/);
  assert.deepEqual(
    TemplateProcessing.fromStrings('$0 <s>:1', '$A:0 $B:1 </s>:1', special).pair,
    [{ sequence: 'A', typeId: 0 }, { sequence: 'B', typeId: 1 }, { special: '</s>', typeId: 1 }],
  );
  const vocab = new Vocab(TOY);
  const singleOnly = new Tokenizer({ model: new WordPieceTokenizer(vocab, { unkToken: '<unk>' }), postProcessor: TemplateProcessing.fromStrings('<s> $A </s>', '', special) });
  assert.deepEqual(Array.from(singleOnly.encode('hello').ids), [0, 4, 2]);
  assert.throws(() => singleOnly.encode('hello', 'world'), (e: unknown) => e instanceof TokenizerError && /no pair template/.test(e.message));
  assert.throws(() => singleOnly.encode('hello', undefined, { padding: true }), /needs a pad token/);
});
