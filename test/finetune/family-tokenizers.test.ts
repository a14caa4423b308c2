/**
 * Task data through each family's tokenizer: words already split through byte-level BPE with add_prefix_space
 * (run_ner.py's RoBERTa setting) against Hugging Face `tokenizers` (Rust, npm) encoding each word alone, as its
 * pre-tokenized path does; SQuAD windows in RoBERTa's `<s> q </s></s> c </s>` layout, BERT's and ALBERT's, whose
 * answer positions select exactly the answer's characters through the windows' offsets.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareQaTrainFeatures } from '../../src/finetune/squad/squad-features.js';
import { readSquadFile } from '../../src/finetune/squad/squad-reader.js';
import { taskTokenizer, type TokenizerFiles } from '../../src/finetune/task-tokenizer.js';
import { AutoTokenizer } from '../../src/tokenizer/auto-tokenizer.js';
import { RobertaTokenizer } from '../../src/tokenizer/roberta-tokenizer.js';
import { hf } from '../tokenizer/reference.js';
import '../helpers/node-runtime.js';

const BPE = 'test/fixtures/tokenizer/bpe';
const ROBERTA: TokenizerFiles = { family: 'roberta', vocabJson: `${BPE}/vocab.json`, merges: `${BPE}/merges.txt` };
const CONLL = 'test/fixtures/finetune/ner-tiny.conll';

/** The words of the CoNLL fixture, and a few whose bytes and spaces matter. */
function words(): string[] {
  const fromFile = readFileSync(CONLL, 'utf8').split('\n').map((line) => line.split(/\s+/)[0]!).filter((w) => w !== '' && w !== '-DOCSTART-');
  return [...fromFile, "don't", 'Zürich', '東京', 'emoji😀', '$3.50', 'U.S.'];
}

test('RoBERTa, pre-split words: each word tokenized after a space, as tokenizers with add_prefix_space encodes it alone', async () => {
  const reference = hf.Tokenizer.fromFile(`${BPE}/tokenizer.json`);
  reference.setPreTokenizer(hf.byteLevelPreTokenizer(true, true));
  const tokenizer = taskTokenizer(ROBERTA, true);
  assert.ok(tokenizer instanceof RobertaTokenizer && tokenizer.addPrefixSpace);
  const all = words();
  const sentences = [all.slice(0, 9), all.slice(9, 30), all.slice(-6)];
  for (const sentence of sentences) {
    const expected: number[] = [];
    const wordIds: number[] = [];
    for (const [index, word] of sentence.entries()) {
      const ids = (await reference.encode(word, null, { addSpecialTokens: false })).getIds();
      expected.push(...ids);
      wordIds.push(...ids.map(() => index));
    }
    const encoding = tokenizer.encodeWords(sentence);
    assert.deepEqual([...encoding.ids], [tokenizer.clsTokenId, ...expected, tokenizer.sepTokenId], sentence.join(' '));
    assert.deepEqual([...encoding.wordIds], [-1, ...wordIds, -1]);
  }
  // Without the prefix space the first word is tokenized as the start of a text: another token.
  const plain = taskTokenizer(ROBERTA, false);
  assert.notDeepEqual([...plain.encodeWords(['Germany']).ids], [...tokenizer.encodeWords(['Germany']).ids]);
});

test('RoBERTa, pre-split words: the saved folder records add_prefix_space, and reloads with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-prefix-space-'));
  try {
    taskTokenizer(ROBERTA, true).savePretrained(dir);
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config['add_prefix_space'], true);
    const reloaded = AutoTokenizer.fromPretrained(dir);
    assert.ok(reloaded instanceof RobertaTokenizer && reloaded.addPrefixSpace);
    assert.deepEqual([...reloaded.encodeWords(['Germany', 'rejects']).ids], [...taskTokenizer(ROBERTA, true).encodeWords(['Germany', 'rejects']).ids]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Window settings that put v2-town-built's answer in the second window, not the first (as each vocabulary cuts it). */
const QA_FAMILIES: Array<{ name: string; files: TokenizerFiles; maxSeqLength: number; pairLayout: string[] }> = [
  { name: 'roberta', files: ROBERTA, maxSeqLength: 28, pairLayout: ['<s>', 'q', '</s>', '</s>', 'c', '</s>'] },
  { name: 'distilbert', files: { family: 'distilbert', vocabTxt: 'assets/bert-base-uncased-vocab.txt', lowercase: true }, maxSeqLength: 20, pairLayout: ['[CLS]', 'q', '[SEP]', 'c', '[SEP]'] },
  { name: 'albert', files: { family: 'albert', sentencePiece: 'test/fixtures/reference/unigram/albert-3000.model' }, maxSeqLength: 24, pairLayout: ['[CLS]', 'q', '[SEP]', 'c', '[SEP]'] },
];

for (const { name, files, maxSeqLength, pairLayout } of QA_FAMILIES) {
  test(`${name}: SQuAD windows in the family's pair layout; the answer in the second window, its positions covering exactly its characters`, () => {
    const tokenizer = taskTokenizer(files, false);
    const { examples } = readSquadFile('test/fixtures/squad/v2.json');
    const features = prepareQaTrainFeatures(tokenizer, examples, { maxSeqLength, docStride: 4, maxQueryLength: 8 });
    for (const feature of features) {
      const ids = [...feature.sequences[0]!.ids];
      // The layout: special tokens where the family puts them, q for question tokens, c for context tokens.
      const layout: string[] = [];
      ids.forEach((id, i) => {
        const kind = feature.contextOffsets[2 * i]! >= 0 ? 'c' : tokenizer.addedVocabulary.isSpecial(id) ? tokenizer.idToToken(id) : 'q';
        if (kind !== layout.at(-1) || kind === '</s>') layout.push(kind);
      });
      assert.deepEqual(layout, pairLayout, feature.exampleId);
      assert.ok(ids.length <= maxSeqLength);
    }
    const town = features.filter((f) => f.exampleId === 'v2-town-built');
    const example = examples.find((e) => e.id === 'v2-town-built')!;
    const answered = town.flatMap((f, window) => (f.startPosition !== 0 ? [window] : []));
    assert.deepEqual(answered, [1], 'labelled in the second window only; the others point to the first token');
    const { startPosition, endPosition, contextOffsets } = town[1]!;
    // Metaspace tokens (ALBERT's "▁a") span the space they replace, as in tokenizers; the SQuAD metrics strip it.
    assert.equal(example.context.slice(contextOffsets[2 * startPosition], contextOffsets[2 * endPosition + 1]).trim(), example.answers[0]!.text);
    // Unanswerable questions point to the first token, the tokenizer's [CLS] / <s>, in every window.
    for (const f of features.filter((f) => f.exampleId === 'v2-bridge-cost')) {
      assert.deepEqual([f.startPosition, f.endPosition], [0, 0]);
      assert.equal(tokenizer.idToToken(f.sequences[0]!.ids[0]!), pairLayout[0]);
    }
  });
}
