/**
 * `tsbert forward --head H` end to end, in a child process, for every head: each PyTorch golden's model is loaded,
 * saved again as a Hugging Face folder by tsbert, and run by the CLI on the golden's inputs (Hugging Face's argument
 * names); the output file must hold Hugging Face's output names, the loss, and grad.<name> for every parameter of
 * the folder, equal to PyTorch's. Bad inputs give a one-line typed error naming the file and the tensor.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runForward } from '../../src/cli/commands/forward.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { readSafetensors, toFloat32, writeSafetensors, type SafetensorsTensor } from '../../src/io/safetensors.js';
import { TASK_HEADS, type TaskHeadName } from '../../src/model/heads/task-heads.js';
import { nativeBackendOrReason } from '../../src/backend/process-backend.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../helpers/assert-close.js';
import { fixturePath, readFixture } from '../helpers/fixtures.js';
import { compareHeadGradients, HEAD_OUTPUT_ABS_TOLERANCE } from '../helpers/head-goldens.js';
import '../helpers/node-runtime.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

const RUNS: { head: TaskHeadName; golden: string[]; outputs: string[] }[] = [
  { head: 'pretraining', golden: ['bert-tiny'], outputs: ['prediction_logits', 'seq_relationship_logits', 'loss'] },
  { head: 'masked-lm', golden: ['heads', 'masked-lm'], outputs: ['logits', 'loss'] },
  { head: 'sequence-classification', golden: ['heads', 'sequence-classification'], outputs: ['logits', 'loss'] },
  { head: 'sequence-classification', golden: ['heads', 'sequence-classification-regression'], outputs: ['logits', 'loss'] },
  { head: 'sequence-classification', golden: ['heads', 'sequence-classification-multi-label'], outputs: ['logits', 'loss'] },
  { head: 'token-classification', golden: ['heads', 'token-classification'], outputs: ['logits', 'loss'] },
  { head: 'question-answering', golden: ['heads', 'question-answering'], outputs: ['start_logits', 'end_logits', 'loss'] },
  { head: 'multiple-choice', golden: ['heads', 'multiple-choice'], outputs: ['logits', 'loss'] },
  // The other families: the folder's class for the head's task, RoBERTa's one token type, DistilBERT's none, ALBERT's SOP.
  { head: 'question-answering', golden: ['roberta', 'question-answering'], outputs: ['start_logits', 'end_logits', 'loss'] },
  { head: 'token-classification', golden: ['distilbert', 'token-classification'], outputs: ['logits', 'loss'] },
  { head: 'multiple-choice', golden: ['distilbert', 'multiple-choice'], outputs: ['logits', 'loss'] },
  { head: 'pretraining', golden: ['albert', 'pretraining'], outputs: ['prediction_logits', 'sop_logits', 'loss'] },
];

/** The CLI in a child process; both backends take turns when the native one loads. */
function cli(args: string[], backend: 'js' | 'native'): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8', env: { ...process.env, TSBERT_BACKEND: backend, NODE_NO_WARNINGS: '1' },
  });
  return { status: result.status, stderr: result.stderr };
}

const backends: ('js' | 'native')[] = nativeBackendOrReason().backend !== undefined ? ['js', 'native'] : ['js'];

RUNS.forEach(({ head, golden, outputs }, index) => {
  const backend = backends[index % backends.length]!;
  test(`tsbert forward --head ${head} --grads on a saved ${golden.join('/')} folder reproduces PyTorch (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsbert-forward-head-'));
    try {
      const source = fixturePath('reference', ...golden);
      const runner = TASK_HEADS[head].load(source);
      runner.model.savePretrained(join(dir, 'model'));
      const goldenFile = join(source, 'golden.safetensors');
      const output = join(dir, 'out.safetensors');
      const result = cli(['forward', '--head', head, '--model', join(dir, 'model'), '--input', goldenFile, '--output', output, '--grads'], backend);
      assert.equal(result.status, 0, result.stderr);
      const out = readSafetensors(output);
      const expected = readFixture('reference', ...golden, 'golden.safetensors');
      for (const name of outputs) {
        assert.deepEqual(out.get(name).shape, expected.get(name).shape, `${name} shape`);
        const error = maxAbsoluteError(toFloat32(out.get(name)), toFloat32(expected.get(name)));
        assert.ok(error <= HEAD_OUTPUT_ABS_TOLERANCE, `${name}: max abs error ${error.toExponential(2)}`);
      }
      // grad.<name> for exactly the saved folder's parameters (no pooler for token classification, QA, masked LM).
      const grads: [string, Tensor][] = [...out.tensors.keys()].filter((k) => k.startsWith('grad.'))
        .map((k) => [k.slice('grad.'.length), gradOf(out.get(k))]);
      compareHeadGradients(grads, expected, '', `forward --head ${head}`);
      if (head === 'token-classification' || head === 'question-answering' || head === 'masked-lm') {
        assert.ok(!grads.some(([name]) => name.includes('pooler')), 'no pooler, as add_pooling_layer=False');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A gradient read back from the output file, as a parameter whose .grad compareHeadGradients reads. */
function gradOf(entry: SafetensorsTensor): Tensor {
  const tensor = new Tensor(new Float32Array(toFloat32(entry).length), entry.shape, true);
  tensor.grad = Float32Array.from(toFloat32(entry));
  return tensor;
}

test('forward --head: bad inputs are DataErrors naming the file and the tensor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-forward-bad-'));
  try {
    const model = fixturePath('reference', 'heads', 'sequence-classification');
    const golden = readFixture('reference', 'heads', 'sequence-classification', 'golden.safetensors');
    const input = join(dir, 'in.safetensors');
    const output = join(dir, 'out.safetensors');
    const ids = golden.get('input_ids');
    const withTensors = (patch: Record<string, SafetensorsTensor | undefined>): void => {
      const tensors: Record<string, SafetensorsTensor> = {};
      for (const [name, tensor] of [...golden.tensors].filter(([n]) => !n.startsWith('grad.'))) tensors[name] = tensor;
      for (const [name, tensor] of Object.entries(patch)) {
        if (tensor === undefined) delete tensors[name];
        else tensors[name] = tensor;
      }
      writeSafetensors(input, tensors);
    };
    const int64 = (values: number[], shape: number[]): SafetensorsTensor => ({ dtype: 'I64', shape, data: BigInt64Array.from(values.map(BigInt)) });
    const expectError = (head: TaskHeadName, pattern: RegExp, grads = false, modelDir = model): void => {
      assert.throws(() => runForward({ model: modelDir, input, output, head, grads }),
        (e) => e instanceof DataError && e.message.includes(input) && pattern.test(e.message) && !e.message.includes('\n'), pattern.source);
    };
    withTensors({ input_ids: undefined });
    expectError('sequence-classification', /no "input_ids" tensor/);
    withTensors({ input_ids: int64([2, 5, 3], [3]) });
    expectError('sequence-classification', /"input_ids" must be \[batch, seq\]/);
    withTensors({});
    expectError('multiple-choice', /"input_ids" must be \[batch, choices, seq\]/, false, fixturePath('reference', 'heads', 'multiple-choice'));
    withTensors({ input_ids: { dtype: 'F32', shape: ids.shape, data: new Float32Array(30) } });
    expectError('sequence-classification', /"input_ids" must have an integer dtype, got F32/);
    withTensors({ input_ids: int64([...Array(29).fill(5), 41], ids.shape) });
    expectError('sequence-classification', /"input_ids" holds 41 at index 29, outside \[0, 41\)/);
    withTensors({ token_type_ids: int64(Array(20).fill(0), [2, 10]) });
    expectError('sequence-classification', /"token_type_ids" must be \[3, 10\]/);
    withTensors({ attention_mask: int64([...Array(29).fill(1), 2], ids.shape) });
    expectError('sequence-classification', /"attention_mask" holds 2 at index 29/);
    withTensors({ labels: int64([0, 3, 1], [3]) });
    expectError('sequence-classification', /"labels" holds 3 at index 1, outside \[0, 3\) or -100/);
    withTensors({ labels: { dtype: 'F32', shape: [3, 2], data: new Float32Array(6) } });
    expectError('sequence-classification', /"labels" must be \[3\] or \[3, 3\]/);
    withTensors({ labels: { dtype: 'F32', shape: [3], data: Float32Array.from([0, Number.NaN, 1]) } });
    expectError('sequence-classification', /"labels" holds NaN at index 1/);
    withTensors({ labels: undefined });
    expectError('sequence-classification', /--grads needs "labels"/, true);
    withTensors({ input_ids: int64(Array(60).fill(5), [2, 30]), token_type_ids: undefined, attention_mask: undefined });
    expectError('sequence-classification', /"input_ids": sequences of 30 tokens, the model takes at most 20 \(its max_position_embeddings\)/);
    withTensors({ start_positions: { dtype: 'F32', shape: [3], data: new Float32Array(3) } });
    expectError('question-answering', /"start_positions" must have an integer dtype/, false, fixturePath('reference', 'heads', 'question-answering'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forward --head: an unknown head is a one-line error from the CLI', () => {
  const golden = fixturePath('reference', 'heads', 'sequence-classification', 'golden.safetensors');
  const model = fixturePath('reference', 'heads', 'sequence-classification');
  const result = cli(['forward', '--head', 'summarization', '--model', model, '--input', golden, '--output', join(tmpdir(), 'never.safetensors')], 'js');
  assert.equal(result.status, 1);
  assert.match(result.stderr.trim(), /^[^\n]*--head must be one of pretraining, masked-lm, sequence-classification, token-classification, question-answering, multiple-choice, got "summarization"[^\n]*$/);
});

test('forward --head on the families: a task the family has no class for is a ConfigError; RoBERTa\'s one token type takes only 0s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-forward-family-'));
  try {
    const output = join(dir, 'out.safetensors');
    const distilbert = fixturePath('reference', 'distilbert', 'token-classification');
    assert.throws(() => runForward({ model: distilbert, input: join(distilbert, 'golden.safetensors'), output, head: 'pretraining' }),
      (e) => e instanceof ConfigError && /model_type "distilbert" has no pretraining class/.test(e.message));
    const roberta = fixturePath('reference', 'roberta', 'token-classification');
    const golden = readFixture('reference', 'roberta', 'token-classification', 'golden.safetensors');
    const tensors: Record<string, SafetensorsTensor> = {};
    for (const [name, tensor] of golden.tensors) if (!name.startsWith('grad.')) tensors[name] = tensor;
    const typeIds = golden.get('token_type_ids');
    tensors['token_type_ids'] = { dtype: 'I64', shape: typeIds.shape, data: BigInt64Array.from({ length: typeIds.shape[0]! * typeIds.shape[1]! }, (_, i) => (i === 4 ? 1n : 0n)) };
    const input = join(dir, 'in.safetensors');
    writeSafetensors(input, tensors);
    assert.throws(() => runForward({ model: roberta, input, output, head: 'token-classification' }),
      (e) => e instanceof DataError && /"token_type_ids" holds 1 at index 4, outside \[0, 1\)/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
