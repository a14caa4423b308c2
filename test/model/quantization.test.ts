/**
 * int8 models against the PyTorch reference of the same scheme (reference/make_int8_goldens.py →
 * test/fixtures/reference/int8): the quantized weight bytes, quantizeRows on exact halves, quantizeRowsAsymmetric
 * (the activations' rows), bert-tiny's encoder with every Linear in int8; then a quantized folder's round trip, and the errors of using int8 where it does not belong.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBackend } from '../../src/backend/select.js';
import { ConfigError, DTypeError } from '../../src/errors.js';
import { BertModel } from '../../src/model/bert-model.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { applyModelDType, defaultWeightBits, isQuantized, quantizeModel } from '../../src/model/quantization.js';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { forEachIsa } from '../backend/native-harness.js';
import { quantizeWeight } from '../../src/ops/quantized-linear.js';
import { FillMaskPipeline } from '../../src/pipelines/fill-mask.js';
import { createPipeline } from '../../src/pipelines/pipeline.js';
import { backward, noGrad } from '../../src/tensor/tensor.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, pretrainingInputs, readFixture } from '../helpers/fixtures.js';
import { readSafetensors } from '../../src/io/safetensors.js';
import { runQuantize } from '../../src/cli/commands/quantize.js';
import '../helpers/node-runtime.js';

/**
 * tsbert's int8 encoder against PyTorch's, norm-relative. Both quantize the same float32 values, but float32 sums
 * (LayerNorm, attention) differ in order, so an activation sitting on a rounding boundary may land one int8 step
 * apart; such flips stay far below the int8-vs-float32 gap (4.8e-4 on bert-tiny), which the test checks too.
 */
const INT8_GOLDEN_TOLERANCE = 5e-5;

const golden = readFixture('reference', 'int8', 'golden.safetensors');
const tinyGolden = readFixture('reference', 'bert-tiny', 'golden.safetensors');
const TINY = fixturePath('reference', 'bert-tiny');

function bytesOf(name: string): Int8Array {
  const tensor = golden.get(name);
  assert.ok(tensor.data instanceof Int8Array, `${name} is int8`);
  return tensor.data;
}

for (const backendCase of backendCases()) {
  test(`int8 matches the PyTorch reference: weight bytes, rows, bert-tiny's encoder (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const model = BertModel.fromPretrained(TINY, { quiet: true });
      const query = quantizeWeight(model.getParameter('encoder.layer.0.attention.self.query.weight'));
      assert.deepEqual([...(query.data as Int8Array)], [...bytesOf('query_weight_int8')]);
      assert.deepEqual([...query.scales!.values], [...floatTensor(golden, 'query_weight_scale').data]);

      const rows = floatTensor(golden, 'rows');
      const [count = 0, cols = 0] = rows.shape;
      const q = new Int8Array(rows.size), scales = new Float32Array(count);
      getBackend().quantizeRows(q, scales, rows.data as Float32Array, count, cols, 127);
      assert.deepEqual([...q], [...bytesOf('rows_int8')], 'quantizeRows bytes (half to even)');
      assert.deepEqual([...scales], [...floatTensor(golden, 'rows_scale').data]);
      const asymmetricRows = floatTensor(golden, 'rows_asym');
      const qa = new Int8Array(asymmetricRows.size), aScales = new Float32Array(count), offsets = new Int32Array(count);
      getBackend().quantizeRowsAsymmetric(qa, aScales, offsets, asymmetricRows.data as Float32Array, count, cols);
      assert.deepEqual([...qa], [...bytesOf('rows_asym_int8')], 'quantizeRowsAsymmetric bytes');
      assert.deepEqual([...aScales], [...floatTensor(golden, 'rows_asym_scale').data]);
      const wantOffsets = golden.get('rows_asym_offset').data;
      assert.ok(wantOffsets instanceof Int32Array, 'rows_asym_offset is int32');
      assert.deepEqual([...offsets], [...wantOffsets]);
      assert.equal(offsets[2], 128 - Math.round(-Math.min(...asymmetricRows.data.subarray(2 * cols, 3 * cols)) / aScales[2]!), 'the one-sided row');

      const inputs = pretrainingInputs(tinyGolden);
      const int8 = noGrad(() => quantizeModel(model, 'bert-tiny', { weightBits: 8 }).forward(inputs).lastHiddenState);
      const error = normRelativeError(int8.data, floatTensor(golden, 'last_hidden_state').data);
      const gap = normRelativeError(int8.data, floatTensor(golden, 'last_hidden_state_fp32').data);
      const symmetricGap = normRelativeError(int8.data, floatTensor(golden, 'last_hidden_state_symmetric').data);
      assert.ok(error <= INT8_GOLDEN_TOLERANCE, `int8 last_hidden_state vs PyTorch int8: ${error.toExponential(2)}`);
      assert.ok(gap > 5 * error && gap > 1e-4, `the test tells int8 from float32: ${gap.toExponential(2)} vs ${error.toExponential(2)}`);
      assert.ok(symmetricGap > 5 * error, `the test tells asymmetric from symmetric rows: ${symmetricGap.toExponential(2)} vs ${error.toExponential(2)}`);
    });
  });

  test(`7-bit weights match the PyTorch reference: weight bytes in [-63, 63], bert-tiny's encoder (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const model = BertModel.fromPretrained(TINY, { quiet: true });
      const query = quantizeWeight(model.getParameter('encoder.layer.0.attention.self.query.weight'), 7);
      assert.deepEqual([...(query.data as Int8Array)], [...bytesOf('query_weight_int7')]);
      assert.deepEqual([...query.scales!.values], [...floatTensor(golden, 'query_weight_scale7').data]);
      const inputs = pretrainingInputs(tinyGolden);
      const int8 = noGrad(() => quantizeModel(model, 'bert-tiny', { weightBits: 7 }).forward(inputs).lastHiddenState);
      const error = normRelativeError(int8.data, floatTensor(golden, 'last_hidden_state_w7').data);
      const gap = normRelativeError(int8.data, floatTensor(golden, 'last_hidden_state').data);
      assert.ok(error <= INT8_GOLDEN_TOLERANCE, `7-bit-weight last_hidden_state vs PyTorch: ${error.toExponential(2)}`);
      assert.ok(gap > 5 * error, `the test tells 7-bit from 8-bit weights: ${gap.toExponential(2)} vs ${error.toExponential(2)}`);
    });
  });
}

test('a quantized folder round-trips: int8 weights and scales in safetensors, marked config, same outputs, no re-quantizing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-int8-'));
  try {
    const out = join(dir, 'q');
    runQuantize({ model: TINY, output: out });
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal((config['quantization_config'] as Record<string, unknown>)['quant_method'], 'tsbert_int8');
    const file = readSafetensors(join(out, 'model.safetensors'));
    assert.equal(file.get('bert.encoder.layer.1.output.dense.weight').dtype, 'I8');
    assert.deepEqual(file.get('bert.encoder.layer.1.output.dense.weight_scale').shape, [48]);
    assert.equal(file.get('bert.embeddings.word_embeddings.weight').dtype, 'F32', 'embeddings stay float32');
    assert.equal(file.get('bert.encoder.layer.0.output.LayerNorm.weight').dtype, 'F32', 'LayerNorm stays float32');
    assert.equal(readFileSync(join(out, 'vocab.txt'), 'utf8'), readFileSync(join(TINY, 'vocab.txt'), 'utf8'));

    const loaded = BertForPreTraining.fromPretrained(out);
    assert.deepEqual(loaded.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
    const inMemory = quantizeModel(BertForPreTraining.fromPretrained(TINY), 'bert-tiny');
    const key = 'bert.encoder.layer.0.intermediate.dense.weight';
    assert.deepEqual([...(loaded.getParameter(key).data as Int8Array)], [...(inMemory.getParameter(key).data as Int8Array)]);
    const inputs = pretrainingInputs(tinyGolden);
    const a = noGrad(() => loaded.forward(inputs).predictionLogits.data);
    const b = noGrad(() => inMemory.forward(inputs).predictionLogits.data);
    assert.deepEqual([...a], [...b], 'the loaded folder computes exactly what the model it was saved from did');

    assert.throws(() => runQuantize({ model: out, output: join(dir, 'qq') }), (e: unknown) => e instanceof ConfigError && /already int8-quantized/.test(e.message));
    assert.throws(() => createPipeline('fill-mask', out, { dtype: 'q8' }), (e: unknown) => e instanceof ConfigError && /already int8-quantized/.test(e.message));
    assert.throws(() => applyModelDType(loaded, 'fp32', out), ConfigError);
    const pipeline = createPipeline('fill-mask', TINY, { dtype: 'q8' });
    assert.ok(pipeline instanceof FillMaskPipeline && isQuantized(pipeline.model), "pipeline option dtype 'q8' quantizes as it loads");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a 7-bit quantized folder records weight_bits 7, keeps its bytes in [-63, 63] and computes what the in-memory model did', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-int7-'));
  try {
    const out = join(dir, 'q7');
    runQuantize({ model: TINY, output: out, weightBits: '7' });
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal((config['quantization_config'] as Record<string, unknown>)['weight_bits'], 7);
    const loaded = BertForPreTraining.fromPretrained(out);
    const inMemory = quantizeModel(BertForPreTraining.fromPretrained(TINY), 'bert-tiny', { weightBits: 7 });
    const key = 'bert.encoder.layer.1.output.dense.weight';
    const bytes = loaded.getParameter(key).data as Int8Array;
    assert.deepEqual([...bytes], [...(inMemory.getParameter(key).data as Int8Array)]);
    assert.ok(bytes.every((v) => v >= -63 && v <= 63) && bytes.some((v) => Math.abs(v) === 63));
    const inputs = pretrainingInputs(tinyGolden);
    assert.deepEqual([...noGrad(() => loaded.forward(inputs).predictionLogits.data)],
      [...noGrad(() => inMemory.forward(inputs).predictionLogits.data)]);
    const eight = join(dir, 'q8');
    runQuantize({ model: TINY, output: eight, weightBits: '8' });
    const config8 = JSON.parse(readFileSync(join(eight, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal((config8['quantization_config'] as Record<string, unknown>)['weight_bits'], 8);
    assert.throws(() => runQuantize({ model: TINY, output: join(dir, 'q6'), weightBits: '6' }),
      (e: unknown) => e instanceof ConfigError && /--weight-bits must be 7 or 8, got "6"/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the default weight bits are the backend\'s fastest: 7 on native AVX2 (the u8 × s8 kernel), 8 on JS and the other ISAs', async (t) => {
  assert.equal(withBackend(jsBackend, () => defaultWeightBits()), 8);
  await forEachIsa(t, (native, isa) => {
    assert.equal(withBackend(native, () => defaultWeightBits()), isa === 'avx2' ? 7 : 8, isa);
  });
});

test('a quantized model runs inference only: backward through it is a DTypeError', () => {
  const model = quantizeModel(BertForPreTraining.fromPretrained(TINY), 'bert-tiny');
  const inputs = pretrainingInputs(tinyGolden);
  const out = model.forward(inputs);
  assert.ok(out.loss !== undefined);
  assert.throws(() => backward(out.loss!), (e: unknown) => e instanceof DTypeError && /inference only/.test(e.message));
  assert.throws(() => quantizeModel(model, 'bert-tiny'), ConfigError);
});
