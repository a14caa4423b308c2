import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../src/errors.js';
import { createPretrainingData } from '../../src/pretrain/create-pretraining-data.js';
import { InstanceDataset, InstanceFile } from '../../src/pretrain/instance-file.js';
import { bertTokenizer, brownTextDocuments, VOCAB_PATH, writeCorpus } from './data-helpers.js';

/** dist/src/cli/main.js, from dist/test/pretrain/. */
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-cpd-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('end to end on Brown: statistics match the file, and a seed gives the same bytes', async () => {
  await withDir(async (dir) => {
    const corpus = join(dir, 'brown.txt');
    writeCorpus(corpus, brownTextDocuments(12, 12));
    const run = (output: string, seed: number) =>
      createPretrainingData({ inputs: [corpus], output, tokenizer: bertTokenizer(), dupeFactor: 2, seed });
    const stats = await run(join(dir, 'a.tsbpt'), 1);
    await run(join(dir, 'b.tsbpt'), 1);
    await run(join(dir, 'c.tsbpt'), 2);
    assert.deepEqual(readFileSync(join(dir, 'a.tsbpt')), readFileSync(join(dir, 'b.tsbpt')));
    assert.notDeepEqual(readFileSync(join(dir, 'a.tsbpt')), readFileSync(join(dir, 'c.tsbpt')));
    const file = InstanceFile.open(join(dir, 'a.tsbpt'));
    assert.equal(file.length, stats.instances);
    assert.equal(file.header.totalTokens, stats.tokens);
    let predictions = 0;
    let randomNext = 0;
    for (let i = 0; i < file.length; i++) {
      const x = file.get(i);
      predictions += x.maskedPositions.length;
      randomNext += x.nextSentenceLabel;
    }
    file.close();
    assert.equal(predictions, stats.maskedPositions);
    assert.equal(randomNext, stats.randomNext);
    assert.ok(stats.documents > 50 && stats.bytesRead === readFileSync(corpus).length);
    assert.ok(Math.abs(stats.maskedFraction - 0.15) < 0.005, `masked fraction ${stats.maskedFraction}`);
    assert.ok(stats.randomNextShare >= 0.5, `random-next share ${stats.randomNextShare}`);
  });
});

test('messy input: a corpus of blank lines is refused; bad bytes, 100 KB lines and one-sentence documents go through', async () => {
  await withDir(async (dir) => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '\n\n  \n');
    await assert.rejects(createPretrainingData({ inputs: [empty], output: join(dir, 'e.tsbpt'), tokenizer: bertTokenizer() }),
      (e: unknown) => e instanceof DataError && e.message.includes(empty) && e.message.includes('holds no text'));
    assert.deepEqual(readdirSync(dir), ['empty.txt'], 'no output or temporary file for a failed run');
    const messy = join(dir, 'messy.txt');
    const long = 'lorem ipsum dolor '.repeat(6000);
    writeFileSync(messy, Buffer.concat([
      Buffer.from('Only one sentence here.\n\n'),
      Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x2e, 0x0a]), Buffer.from(`${long}\nThe end.\n\nAnother lone sentence.\n`),
    ]));
    const warnings: string[] = [];
    const stats = await createPretrainingData({
      inputs: [messy], output: join(dir, 'm.tsbpt'), tokenizer: bertTokenizer(), dupeFactor: 3, onWarning: (w) => warnings.push(w),
    });
    assert.equal(stats.documents, 3);
    assert.deepEqual(warnings, [`${messy}: 1 of 7 lines has invalid UTF-8 (2 characters replaced by U+FFFD)`]);
    const data = InstanceFile.open(join(dir, 'm.tsbpt'));
    for (let i = 0; i < data.length; i++) assert.ok(data.get(i).inputIds.length <= 128);
    data.close();
    assert.ok(stats.instances >= 9);
  });
});

test('sharding: small shards, one file per shard, a tiny last shard merged into the one before', async () => {
  await withDir(async (dir) => {
    const corpus = join(dir, 'brown.txt');
    const docs = brownTextDocuments(6, 12);
    writeCorpus(corpus, docs);
    const stats = await createPretrainingData({
      inputs: [corpus], output: join(dir, 'out.tsbpt'), tokenizer: bertTokenizer(), dupeFactor: 1, shardTokens: 5000, splitOutput: true, staticMasks: false,
    });
    assert.ok(stats.shards >= 3, `shards ${stats.shards}`);
    assert.deepEqual(stats.outputs, Array.from({ length: stats.shards }, (_, k) => join(dir, `out-${String(k).padStart(5, '0')}.tsbpt`)));
    const data = InstanceDataset.open(stats.outputs);
    assert.equal(data.length, stats.instances);
    assert.equal(data.header.staticMasks, false);
    assert.equal(data.get(0).maskedPositions.length, 0, 'unmasked file: the trainer masks dynamically');
    data.close();
    assert.equal(stats.sameDocumentRandomNext, 0);
  });
});

test('a failing run writes nothing: shards already made are not published; skipped sentences are counted', async () => {
  await withDir(async (dir) => {
    const corpus = join(dir, 'brown.txt');
    writeCorpus(corpus, [...brownTextDocuments(6, 12), ['\u0000\u0001 \ufffd', 'A real sentence follows the noise.']]);
    const binary = join(dir, 'binary.bin');
    writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 151 + 7) & 0xff)));
    const warnings: string[] = [];
    const options = {
      output: join(dir, 'out.tsbpt'), tokenizer: bertTokenizer(), dupeFactor: 1, shardTokens: 5000, splitOutput: true, onWarning: (w: string) => warnings.push(w),
    };
    await assert.rejects(createPretrainingData({ ...options, inputs: [corpus, binary] }),
      (e: unknown) => e instanceof DataError && e.message.startsWith(`corpus file ${binary}: is not UTF-8 text`));
    assert.deepEqual(readdirSync(dir).sort(), ['binary.bin', 'brown.txt'], 'no shard and no temporary file');
    assert.deepEqual(warnings, [`${corpus}: 1 sentence skipped (nothing to tokenize)`]);
    const stats = await createPretrainingData({ ...options, inputs: [corpus] });
    assert.ok(stats.shards >= 3 && stats.outputs.every((path) => readdirSync(dir).includes(basename(path))));
  });
});

test('CLI: create-pretraining-data --json, inspect-data JSON lines, errors as one line and exit code 1', async () => {
  await withDir(async (dir) => {
    const corpus = join(dir, 'brown.txt');
    writeCorpus(corpus, brownTextDocuments(3, 12));
    const out = join(dir, 'cli.tsbpt');
    const made = spawnSync(process.execPath, [CLI, 'create-pretraining-data', '--input', corpus, '--output', out, '--vocab', VOCAB_PATH,
      '--dupe-factor', '2', '--max-seq-length', '64', '--max-predictions-per-seq', '10', '--do-whole-word-mask', '--json', '--no-progress'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const stats = JSON.parse(made.stdout) as { instances: number; replacementShares: { mask: number } };
    assert.ok(stats.instances > 20);
    const shown = spawnSync(process.execPath, [CLI, 'inspect-data', out, '--limit', '3'], { encoding: 'utf8' });
    assert.equal(shown.status, 0, shown.stderr);
    const lines = shown.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number[] | number>);
    assert.equal(lines.length, 3);
    const file = InstanceFile.open(out);
    lines.forEach((line, i) => {
      const x = file.get(i);
      assert.deepEqual(Object.keys(line), ['input_ids', 'token_type_ids', 'masked_lm_positions', 'masked_lm_ids', 'next_sentence_label']);
      assert.deepEqual(line['input_ids'], Array.from(x.inputIds));
      assert.deepEqual(line['masked_lm_ids'], Array.from(x.maskedLmIds));
      assert.ok((line['input_ids'] as number[]).length <= 64 && (line['masked_lm_positions'] as number[]).length <= 10);
    });
    file.close();
    const bad = spawnSync(process.execPath, [CLI, 'inspect-data', corpus], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^tsbert: DataError: instance file .*brown\.txt: .*magic/);
  });
});
