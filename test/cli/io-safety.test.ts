/**
 * Reliability at first contact, as a user meets the commands: real child processes, real files.
 * - A failing command leaves an existing output byte-identical and no temporary file; Ctrl-C / SIGTERM in the
 *   middle of a run removes the partial output and exits 130 / 143.
 * - Every file argument of every command, missing or a directory (or, for outputs, in a missing folder), gives
 *   exit code 1 and exactly one stderr line `tsbert: <ErrorName>: ...` — no stack, no raw ENOENT/EISDIR.
 * - Input that is not text is refused, or warned about with counts; nothing is written for a refused input.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors } from '../../src/io/safetensors.js';
import { createPretrainingData } from '../../src/pretrain/create-pretraining-data.js';
import { bertTokenizer, brownTextDocuments, VOCAB_PATH, writeCorpus } from '../pretrain/data-helpers.js';
import { brownCorpus } from '../tokenizer/corpora.js';
import { CLI, runCli, type CliRun } from '../helpers/cli.js';


type Run = CliRun;
const tsbert = runCli;

/** Runs `jobs` a few at a time: each child is mostly start-up, and the machine may have only two cores. */
async function inPool<T>(jobs: ReadonlyArray<() => Promise<T>>, width = 3): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/** Exit code 1 and stderr exactly one line `tsbert: <errorName>: ...`. */
function assertOneLineError(run: Run, errorName: string, what: string): void {
  assert.equal(run.status, 1, `${what}: exit code (stderr: ${run.stderr})`);
  assert.match(run.stderr, new RegExp(`^tsbert: ${errorName}: [^\\n]+\\n$`), `${what}: one line starting "tsbert: ${errorName}:"`);
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-io-safety-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Names in `dir` that look like a temporary file of the atomic writer. */
function temporaryFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => /\.tmp-\d+$/.test(name));
}

test('tokenize --output: a bad line or --max-length 1 leaves the previous output byte-identical and no temporary file', async () => {
  await withDir(async (dir) => {
    const output = join(dir, 'out.jsonl');
    const previous = Buffer.from('{"previous":"run"}\n');
    writeFileSync(output, previous);
    // Enough good lines that the writer has flushed to its temporary file before the bad line fails the run.
    const pairs = brownCorpus().slice(0, 20_000).map((line) => `${line}\t${line}`);
    const input = join(dir, 'pairs.tsv');
    writeFileSync(input, [...pairs, 'no tab on this line', 'a\tb'].join('\n'));
    const badLine = await tsbert(['tokenize', '--vocab', VOCAB_PATH, '--pair', '--input', input, '--output', output]);
    assertOneLineError(badLine, 'DataError', 'a line without a TAB');
    assert.match(badLine.stderr, /line 20001: --pair expects A<TAB>B/);
    assert.ok(readFileSync(output).equals(previous), 'the previous output is untouched');
    assert.deepEqual(readdirSync(dir).sort(), ['out.jsonl', 'pairs.tsv']);

    const tooShort = await tsbert(['tokenize', '--vocab', VOCAB_PATH, '--max-length', '1', '--input', input, '--output', output]);
    assertOneLineError(tooShort, 'TokenizerError', '--max-length 1');
    assert.ok(readFileSync(output).equals(previous), 'the previous output is untouched');
    assert.deepEqual(readdirSync(dir).sort(), ['out.jsonl', 'pairs.tsv']);
  });
});

test('a missing file or a directory, for every file argument of every command: exit 1, one line, no stack', async () => {
  await withDir(async (dir) => {
    const missing = join(dir, 'missing.txt');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const corpus = join(dir, 'corpus.txt');
    writeCorpus(corpus, brownTextDocuments(4, 8));
    const data = join(dir, 'data.tsbpt');
    await createPretrainingData({ inputs: [corpus], output: data, tokenizer: bertTokenizer(), dupeFactor: 1 });
    const model = join(dir, 'model');
    mkdirSync(model);
    const inputs = join(dir, 'inputs.safetensors');
    writeSafetensors(inputs, { input_ids: { dtype: 'I32', shape: [1, 4], data: Int32Array.of(101, 7592, 2088, 102) } });
    const out = join(dir, 'out');
    const inNowhere = join(dir, 'nowhere', 'out.file');
    const V = VOCAB_PATH;
    const cases: Array<[errorName: string, args: string[]]> = [
      ['DataError', ['tokenize', '--vocab', V, '--input', missing]],
      ['DataError', ['tokenize', '--vocab', V, '--input', folder]],
      ['TokenizerError', ['tokenize', '--vocab', missing, '--input', corpus]],
      ['TokenizerError', ['tokenize', '--vocab', folder, '--input', corpus]], // a folder without tokenizer files
      ['DataError', ['tokenize', '--vocab', V, '--input', corpus, '--output', folder]],
      ['DataError', ['tokenize', '--vocab', V, '--input', corpus, '--output', inNowhere]],
      ['DataError', ['train-tokenizer', '--input', missing, '--output', out]],
      ['DataError', ['train-tokenizer', '--input', folder, '--output', out]],
      ['DataError', ['train-tokenizer', '--input', corpus, '--output', folder]],
      ['DataError', ['train-tokenizer', '--input', corpus, '--output', inNowhere]],
      ['DataError', ['create-pretraining-data', '--input', missing, '--vocab', V, '--output', out]],
      ['DataError', ['create-pretraining-data', '--input', folder, '--vocab', V, '--output', out]],
      ['TokenizerError', ['create-pretraining-data', '--input', corpus, '--vocab', missing, '--output', out]],
      ['TokenizerError', ['create-pretraining-data', '--input', corpus, '--vocab', folder, '--output', out]],
      ['DataError', ['create-pretraining-data', '--input', corpus, '--vocab', V, '--output', folder]],
      ['DataError', ['create-pretraining-data', '--input', corpus, '--vocab', V, '--output', inNowhere]],
      ['DataError', ['inspect-data', missing]],
      ['DataError', ['inspect-data', folder]],
      ['TokenizerError', ['inspect-data', data, '--vocab', missing]],
      ['TokenizerError', ['pretrain', '--vocab', missing, '--data', data, '--output', out]],
      ['TokenizerError', ['pretrain', '--vocab', folder, '--data', data, '--output', out]],
      ['ConfigError', ['pretrain', '--config', missing, '--vocab', V, '--data', data, '--output', out]],
      ['ConfigError', ['pretrain', '--config', folder, '--vocab', V, '--data', data, '--output', out]],
      ['DataError', ['pretrain', '--vocab', V, '--data', missing, '--output', out]],
      ['DataError', ['pretrain', '--vocab', V, '--data', folder, '--output', out]],
      ['DataError', ['pretrain', '--vocab', V, '--data', data, '--eval-data', missing, '--output', out]],
      ['DataError', ['pretrain', '--vocab', V, '--data', data, '--eval-data', folder, '--output', out]],
      ['ConfigError', ['pretrain', '--vocab', V, '--data', data, '--output', corpus]],
      ['CheckpointError', ['forward', '--model', missing, '--input', inputs, '--output', out]],
      ['CheckpointError', ['forward', '--model', corpus, '--input', inputs, '--output', out]],
      ['ConfigError', ['forward', '--model', model, '--input', inputs, '--output', out]], // an empty folder: no config.json
      ['DataError', ['forward', '--model', model, '--input', missing, '--output', out]],
      ['DataError', ['forward', '--model', model, '--input', folder, '--output', out]],
      ['DataError', ['forward', '--model', model, '--input', inputs, '--output', folder]],
      ['DataError', ['forward', '--model', model, '--input', inputs, '--output', inNowhere]],
    ];
    const runs = await inPool(cases.map(([, args]) => () => tsbert(args)));
    runs.forEach((run, i) => {
      const [errorName, args] = cases[i]!;
      assertOneLineError(run, errorName, args.join(' '));
    });
    assert.deepEqual(readdirSync(dir).sort(), ['corpus.txt', 'data.tsbpt', 'folder', 'inputs.safetensors', 'model'], 'no output and no temporary file was left');
    assert.deepEqual(readdirSync(folder), []);
  });
});

test('input that is not text: random bytes and an empty file are refused with nothing written; a few bad bytes are counted', async () => {
  await withDir(async (dir) => {
    const random = join(dir, 'random.bin');
    writeFileSync(random, randomBytes(300_000));
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    const out = join(dir, 'out');
    const [cpdRandom, cpdEmpty, trainRandom, trainEmpty] = await inPool([
      () => tsbert(['create-pretraining-data', '--input', random, '--vocab', VOCAB_PATH, '--output', out]),
      () => tsbert(['create-pretraining-data', '--input', empty, '--vocab', VOCAB_PATH, '--output', out]),
      () => tsbert(['train-tokenizer', '--input', random, '--output', out, '--vocab-size', '300']),
      () => tsbert(['train-tokenizer', '--input', empty, '--output', out, '--vocab-size', '300', '--quiet']),
    ]);
    assertOneLineError(cpdRandom!, 'DataError', 'create-pretraining-data on random bytes');
    assert.match(cpdRandom!.stderr, /random\.bin: is not UTF-8 text: \d+% of its characters are invalid UTF-8/);
    assertOneLineError(cpdEmpty!, 'DataError', 'create-pretraining-data on an empty file');
    assert.match(cpdEmpty!.stderr, /empty\.txt: is empty/);
    assertOneLineError(trainRandom!, 'DataError', 'train-tokenizer on random bytes');
    assert.match(trainRandom!.stderr, /--input [^\n]*random\.bin: is not UTF-8 text/);
    assert.equal(trainEmpty!.stderr, `tsbert: DataError: --input ${empty}: is empty\n`);
    assert.equal(trainEmpty!.status, 1);
    assert.deepEqual(readdirSync(dir).sort(), ['empty.txt', 'random.bin'], 'no output and no temporary file');

    const tokenized = await tsbert(['tokenize', '--vocab', VOCAB_PATH, '--input', random, '--output', out]);
    assert.equal(tokenized.status, 0, tokenized.stderr);
    assert.match(tokenized.stderr, /^tokenize: warning: [^\n]*random\.bin: [\d,]+ of [\d,]+ lines have invalid UTF-8 \([\d,]+ characters replaced by U\+FFFD\)\n$/);

    const messy = join(dir, 'messy.txt');
    const documents = brownTextDocuments(6, 8).map((sentences) => sentences.join('\n')).join('\n\n');
    writeFileSync(messy, Buffer.concat([Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(' au lait.\n'), Buffer.from(documents)]));
    const made = await tsbert(['create-pretraining-data', '--input', messy, '--vocab', VOCAB_PATH, '--output', out, '--dupe-factor', '1', '--no-progress']);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stderr, /^create-pretraining-data: warning: [^\n]*messy\.txt: 1 of [\d,]+ lines has invalid UTF-8 \(1 character replaced by U\+FFFD\)\n$/);
  });
});

/** Starts a command, waits until its temporary output exists, sends `signal`; resolves with the exit code. */
function interruptOnceWriting(args: readonly string[], dir: string, signal: NodeJS.Signals, keepStdinOpen = false): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    if (!keepStdinOpen) child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const started = Date.now();
    const poll = setInterval(() => {
      if (temporaryFiles(dir).length > 0) {
        clearInterval(poll);
        child.kill(signal);
      } else if (Date.now() - started > 60_000) {
        clearInterval(poll);
        child.kill('SIGKILL');
        reject(new Error(`no temporary file appeared in ${dir} (stderr: ${stderr})`));
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr });
    });
  });
}

test('Ctrl-C in the middle of create-pretraining-data exits 130 and leaves no output and no temporary file', async () => {
  await withDir(async (dir) => {
    const corpus = join(dir, 'corpus.txt');
    const lines = brownCorpus();
    const documents = Array.from({ length: Math.ceil(lines.length / 20) }, (_, i) => lines.slice(20 * i, 20 * i + 20).join('\n')).join('\n\n');
    writeFileSync(corpus, `${documents}\n\n`.repeat(3));
    const output = join(dir, 'out.tsbpt');
    const { code, stderr } = await interruptOnceWriting(['create-pretraining-data', '--input', corpus, '--vocab', VOCAB_PATH, '--output', output], dir, 'SIGINT');
    assert.equal(code, 130, stderr);
    assert.match(stderr, /aborted by SIGINT/);
    assert.equal(existsSync(output), false);
    assert.deepEqual(readdirSync(dir), ['corpus.txt']);
  });
});

test('SIGTERM while tokenize --output waits for input exits 143 and keeps the previous output', async () => {
  await withDir(async (dir) => {
    const output = join(dir, 'out.jsonl');
    writeFileSync(output, 'previous\n');
    const { code, stderr } = await interruptOnceWriting(['tokenize', '--vocab', VOCAB_PATH, '--output', output], dir, 'SIGTERM', true);
    assert.equal(code, 143, stderr);
    assert.equal(readFileSync(output, 'utf8'), 'previous\n');
    assert.deepEqual(readdirSync(dir), ['out.jsonl']);
  });
});
