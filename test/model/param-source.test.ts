/**
 * Parameter names are written once, in the ParamSource scopes modules are built from; the same module code
 * initialises (drawing from the seed's Rng in a fixed order) or loads (reading the checkpoint, drawing nothing).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from '../../src/io/safetensors.js';
import { InitializingParams } from '../../src/nn/initializing-params.js';
import { ParamSource } from '../../src/nn/param-source.js';
import { BertModel } from '../../src/model/bert-model.js';
import { bertConfigPreset, type BertConfig } from '../../src/model/config.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { MODEL_TASKS, modelClassFor } from '../../src/model/registry.js';
import { Rng } from '../../src/tensor/rng.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import '../helpers/node-runtime.js';

const config: BertConfig = bertConfigPreset('tiny', {
  vocabSize: 50, hiddenSize: 24, numAttentionHeads: 3, intermediateSize: 40, maxPositionEmbeddings: 16, padTokenId: 0,
});

/**
 * sha256 (first 16 hex digits) of every parameter's name, shape and float32 bits, in namedParameters() order, for
 * `new Model(config, { seed })` — recorded from the code before ParamSource existed (commit 2fdcd74), when modules
 * registered their parameters by hand and drew from a shared Rng. Equal fingerprints: same names, same order, same
 * draws, so seeded models, goldens and checkpoints are unchanged.
 */
const FRESH_MODEL_FINGERPRINTS: Record<string, string> = {
  'base/0': '561b2712bfc5831b', 'base/7': 'a80b44213f4ea3e3',
  'pretraining/0': '5cd0a578e24eaa91', 'pretraining/7': 'c4570891bcbc9467',
  'masked-lm/0': 'e8fee67900574db7', 'masked-lm/7': '5a7013c628f701cd',
  'next-sentence-prediction/0': 'd5981d0a287c080c', 'next-sentence-prediction/7': '9f8547ec0d2045f7',
  'sequence-classification/0': '4fe0a3c1672c8e60', 'sequence-classification/7': 'be212954ddf83bb1',
  'token-classification/0': 'd097b540d691931b', 'token-classification/7': '76412e2c60bf7a9a',
  'question-answering/0': 'f8863bc21fee2ef4', 'question-answering/7': 'c82386b6f688e5f5',
  'multiple-choice/0': '9a55960a9f22252c', 'multiple-choice/7': 'accc2679a79d3e1d',
};

function fingerprint(named: readonly [string, Tensor][]): string {
  const hash = createHash('sha256');
  for (const [name, tensor] of named) {
    hash.update(name);
    hash.update(JSON.stringify(tensor.shape));
    hash.update(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}

function withFolder(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-params-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('a fresh model of every registered class has the names, order and bits it had before ParamSource', () => {
  for (const task of MODEL_TASKS) {
    const Model = modelClassFor('bert', task, 'test');
    for (const seed of [0, 7]) {
      assert.equal(fingerprint(Model.create(config, { seed }).namedParameters()), FRESH_MODEL_FINGERPRINTS[`${task}/${seed}`], `${task}, seed ${seed}`);
    }
  }
});

test('namedParameters() lists exactly the paths the modules asked their source for, in the order asked', () => {
  for (const task of MODEL_TASKS) {
    const asked: string[] = [];
    const initializing = new InitializingParams(new Rng(0));
    const params = ParamSource.of({
      create(path, shape, init) {
        asked.push(path);
        return initializing.create(path, shape, init);
      },
    });
    const model = modelClassFor('bert', task, 'test').create(config, { params });
    assert.deepEqual(model.namedParameters().map(([name]) => name), asked, task);
  }
});

test('no module in src/ names a parameter or child outside a ParamSource scope', () => {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src');
  for (const path of sourceFiles(src)) {
    assert.doesNotMatch(readFileSync(path, 'utf8'), /registerParameter|registerModule|withoutRandomInit/, path);
  }
});

test('a loaded model holds the file\'s tensors under the file\'s names, and loading draws no random number', (t) => {
  withFolder((dir) => {
    new BertForPreTraining(config, { seed: 3 }).savePretrained(dir);
    const normal = t.mock.method(Rng.prototype, 'normal');
    const loaded = BertForPreTraining.fromPretrained(dir);
    assert.equal(normal.mock.callCount(), 0, 'every weight came from the file');
    const file = readSafetensors(join(dir, 'model.safetensors'));
    const named = loaded.namedParameters();
    assert.deepEqual(named.map(([name]) => name).sort(), [...file.tensors.keys()].sort());
    for (const [name, param] of named) assert.deepEqual(param.data, file.get(name).data, name);
  });
});

test('only the weights a checkpoint lacks are drawn, after the strict check: a new head draws its own size', (t) => {
  withFolder((dir) => {
    new BertModel(config, { seed: 5 }).savePretrained(dir);
    const normal = t.mock.method(Rng.prototype, 'normal');
    const classifier = BertForSequenceClassification.fromPretrained(dir, { quiet: true });
    assert.deepEqual(classifier.loadingInfo!.missingKeys, ['classifier.weight', 'classifier.bias']);
    assert.equal(normal.mock.callCount(), classifier.classifier.weight.size, 'N(0, initializer_range) for classifier.weight; its bias is 0');
    // Recorded before ParamSource (commit 2fdcd74): the new head's values from Rng(0) are unchanged too.
    assert.equal(fingerprint(classifier.namedParameters()), 'a7be8f01d7e3ddc9');
  });
});

test('a checkpoint lacking an encoder weight is refused before anything is drawn', (t) => {
  withFolder((dir) => {
    new BertModel(config, { seed: 5 }).savePretrained(dir);
    const path = join(dir, 'model.safetensors');
    const file = readSafetensors(path);
    const kept: Record<string, SafetensorsTensor> = {};
    for (const name of file.tensors.keys()) if (!name.startsWith('encoder.layer.1.')) kept[name] = file.get(name);
    writeSafetensors(path, kept);
    const normal = t.mock.method(Rng.prototype, 'normal');
    assert.throws(() => BertForSequenceClassification.fromPretrained(dir, { quiet: true }), /lacks 16 encoder weights/);
    assert.equal(normal.mock.callCount(), 0);
  });
});

test('a source refuses to create the same path twice', () => {
  const params = ParamSource.initializing(new Rng(0));
  params.at('dense').get('weight', [2], () => undefined);
  assert.throws(() => params.get('dense.weight', [2], () => undefined), /"dense\.weight" is created twice/);
});

