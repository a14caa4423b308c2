/**
 * AutoTokenizer picks the preset transformers' AutoTokenizer picks — tokenizer_config.json's tokenizer_class first,
 * else config.json's model_type — and the preset reads the folder as its own fromPretrained does (the oracle: the
 * same text encoded by the preset loaded directly). Bad folders are one-line typed errors naming file and field.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, TokenizerError } from '../../src/errors.js';
import { AlbertTokenizer, AutoTokenizer, BertTokenizer, RobertaTokenizer, type Tokenizer } from '../../src/tokenizer/index.js';
import { fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const TEXT = 'The quick brown fox, 1,234 naïve jumps.';
const PAIR = 'A second sentence';

/** A preset class, as instanceof and AutoTokenizer.classOf see it (AlbertTokenizer's constructor is private). */
type PresetClass = Function & { prototype: Tokenizer; name: string };

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-auto-tokenizer-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One folder per preset, as its savePretrained writes it. */
interface PresetFolder {
  family: string;
  save(dir: string): void;
  Class: PresetClass;
  load(dir: string): Tokenizer;
}
const PRESET_FOLDERS: readonly PresetFolder[] = [
  {
    family: 'bert',
    save: (dir) => BertTokenizer.fromVocabFile(fixturePath('reference', 'bert-tiny', 'vocab.txt')).savePretrained(dir),
    Class: BertTokenizer,
    load: (dir) => BertTokenizer.fromPretrained(dir),
  },
  {
    family: 'roberta',
    save: (dir) => RobertaTokenizer.fromFiles(fixturePath('tokenizer', 'bpe', 'vocab.json'), fixturePath('tokenizer', 'bpe', 'merges.txt')).savePretrained(dir),
    Class: RobertaTokenizer,
    load: (dir) => RobertaTokenizer.fromPretrained(dir),
  },
  {
    family: 'albert',
    save: (dir) => AlbertTokenizer.fromSentencePiece(fixturePath('reference', 'unigram', 'albert-3000.model')).savePretrained(dir),
    Class: AlbertTokenizer,
    load: (dir) => AlbertTokenizer.fromPretrained(dir),
  },
];

function sameEncoding(a: Tokenizer, b: Tokenizer): void {
  const [x, y] = [a.encode(TEXT, PAIR), b.encode(TEXT, PAIR)];
  assert.deepEqual([Array.from(x.ids), Array.from(x.offsets), Array.from(x.typeIds)], [Array.from(y.ids), Array.from(y.offsets), Array.from(y.typeIds)]);
}

function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

test('tokenizer_config.json tokenizer_class picks the preset (slow and Fast names), which reads the folder as its own fromPretrained', () => {
  for (const { family, save, Class, load } of PRESET_FOLDERS) {
    withDir((dir) => {
      save(dir);
      const auto = AutoTokenizer.fromPretrained(dir);
      assert.ok(auto instanceof Class, `${family}: ${auto.constructor.name}`);
      sameEncoding(auto, load(dir));
      editJson(join(dir, 'tokenizer_config.json'), (json) => { json['tokenizer_class'] = `${Class.name}Fast`; });
      assert.ok(AutoTokenizer.fromPretrained(dir) instanceof Class, `${family}: ${Class.name}Fast`);
    });
  }
});

test('without tokenizer_class, config.json model_type picks it (distilbert → BertTokenizer)', () => {
  const byType: ReadonlyArray<readonly [string, number, PresetClass]> = [
    ['bert', 0, BertTokenizer], ['distilbert', 0, BertTokenizer], ['roberta', 1, RobertaTokenizer], ['albert', 2, AlbertTokenizer],
  ];
  for (const [modelType, preset, Class] of byType) {
    withDir((dir) => {
      PRESET_FOLDERS[preset]!.save(dir);
      editJson(join(dir, 'tokenizer_config.json'), (json) => { delete json['tokenizer_class']; });
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: modelType }));
      assert.ok(AutoTokenizer.fromPretrained(dir) instanceof Class, modelType);
      assert.equal(AutoTokenizer.classOf(dir), Class.name);
    });
  }
});

test('PreTrainedTokenizerFast (a bare tokenizer.json) defers to config.json model_type', () => {
  withDir((dir) => {
    PRESET_FOLDERS[2]!.save(dir);
    editJson(join(dir, 'tokenizer_config.json'), (json) => { json['tokenizer_class'] = 'PreTrainedTokenizerFast'; });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'albert' }));
    assert.ok(AutoTokenizer.fromPretrained(dir) instanceof AlbertTokenizer);
    unlinkSync(join(dir, 'config.json'));
    assert.throws(() => AutoTokenizer.fromPretrained(dir), ConfigError);
  });
});

test('a DistilBertTokenizerFast class and a folder of vocab.txt alone load as BERT', () => {
  withDir((dir) => {
    copyFileSync(fixturePath('reference', 'bert-tiny', 'vocab.txt'), join(dir, 'vocab.txt'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'DistilBertTokenizerFast', do_lower_case: true }));
    const auto = AutoTokenizer.fromPretrained(dir);
    assert.ok(auto instanceof BertTokenizer);
    sameEncoding(auto, BertTokenizer.fromVocabFile(join(dir, 'vocab.txt')));
  });
});

test('unknown tokenizer_class, unknown or missing model_type, no tokenizer files: one-line typed errors naming file and field', () => {
  withDir((dir) => {
    assert.throws(() => AutoTokenizer.fromPretrained(dir), (e: unknown) => e instanceof TokenizerError && e.message.startsWith(`${dir}: no tokenizer files in this folder`));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    assert.throws(() => AutoTokenizer.fromPretrained(dir), TokenizerError, 'config.json alone is no tokenizer');
    PRESET_FOLDERS[1]!.save(dir);
    editJson(join(dir, 'tokenizer_config.json'), (json) => { json['tokenizer_class'] = 'GPT2TokenizerFast'; });
    assert.throws(() => AutoTokenizer.fromPretrained(dir), (e: unknown) => e instanceof ConfigError
      && e.message.startsWith(`${join(dir, 'tokenizer_config.json')}: tokenizer_class "GPT2TokenizerFast" is not one tsbert has`) && !e.message.includes('\n'));
    editJson(join(dir, 'tokenizer_config.json'), (json) => { json['tokenizer_class'] = 7; });
    assert.throws(() => AutoTokenizer.fromPretrained(dir), /tokenizer_config\.json: field tokenizer_class should be a string, found 7/);
    editJson(join(dir, 'tokenizer_config.json'), (json) => { delete json['tokenizer_class']; });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    assert.throws(() => AutoTokenizer.fromPretrained(dir), (e: unknown) => e instanceof ConfigError
      && e.message.startsWith(`${join(dir, 'config.json')}: model_type "gpt2" has no tokenizer in tsbert`));
    unlinkSync(join(dir, 'config.json'));
    assert.throws(() => AutoTokenizer.fromPretrained(dir), (e: unknown) => e instanceof ConfigError
      && e.message === `${dir}: neither tokenizer_config.json's tokenizer_class nor config.json's model_type says which tokenizer this folder holds`);
  });
  withDir((dir) => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    assert.throws(() => AutoTokenizer.fromPretrained(file), TokenizerError);
  });
});
