/**
 * bfloat16 models and mixed precision against the PyTorch reference of the same scheme
 * (reference/make_bf16_goldens.py → test/fixtures/reference/bf16): one Linear's output and gradients (x and W
 * rounded to bfloat16, dy rounded for the backward, float32 accumulation), and bert-tiny's encoder with every Linear
 * in bfloat16; autocast('bf16') on float32 master weights computes what the bfloat16-cast model does; the errors of
 * dtype bf16 where it does not belong.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DTypeError, ValueError } from '../../src/errors.js';
import { BertModel } from '../../src/model/bert-model.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { applyModelDType, castModelToBFloat16, quantizeModel } from '../../src/model/quantization.js';
import { forwardLinears, Linear } from '../../src/nn/linear.js';
import { ParamSource } from '../../src/nn/param-source.js';
import { add } from '../../src/ops/add.js';
import { mseLoss } from '../../src/ops/mse-loss.js';
import type { Backend } from '../../src/backend/backend.js';
import { getBackend } from '../../src/backend/select.js';
import { Rng } from '../../src/tensor/rng.js';
import { autocast, autocastPrecision, precisionOf } from '../../src/ops/autocast.js';
import { bf16Linear } from '../../src/ops/bf16-linear.js';
import { linear } from '../../src/ops/linear.js';
import { FeatureExtractionPipeline } from '../../src/pipelines/feature-extraction.js';
import { createPipeline } from '../../src/pipelines/pipeline.js';
import { backward, noGrad, Tensor } from '../../src/tensor/tensor.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, pretrainingInputs, readFixture } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

/**
 * tsbert's bf16 results against PyTorch's, norm-relative. Both round the same float32 values to bfloat16 and add
 * exact products; the sums differ in order (float32 here, float64 there), so an activation on a rounding boundary
 * may land one bfloat16 step apart — far below the bf16-vs-float32 gap, which the encoder test checks too.
 */
const BF16_GOLDEN_TOLERANCE = 1e-5;

const golden = readFixture('reference', 'bf16', 'golden.safetensors');
const tinyGolden = readFixture('reference', 'bert-tiny', 'golden.safetensors');
const TINY = fixturePath('reference', 'bert-tiny');

function close(actual: ArrayLike<number>, name: string, what: string): void {
  const error = normRelativeError(actual, floatTensor(golden, name).data);
  assert.ok(error <= BF16_GOLDEN_TOLERANCE, `${what} vs PyTorch: ${error.toExponential(2)}`);
}

for (const backendCase of backendCases()) {
  test(`bf16Linear matches the PyTorch reference: output, dx, dW, db (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const x = floatTensor(golden, 'linear_x'), w = floatTensor(golden, 'linear_w'), b = floatTensor(golden, 'linear_b');
      for (const tensor of [x, w, b]) tensor.requiresGrad = true;
      const y = bf16Linear(x, w, b);
      close(y.data, 'linear_y', 'y');
      y.grad = Float32Array.from(floatTensor(golden, 'linear_dy').data);
      y.gradFn!.backward(y);
      close(x.grad!, 'linear_dx', 'dx');
      close(w.grad!, 'linear_dw', 'dW');
      close(b.grad!, 'linear_db', 'db');
      // The float32 Linear is measurably elsewhere: the test tells bf16 operands from float32 ones.
      const gap = normRelativeError(noGrad(() => linear(x, w, b)).data, floatTensor(golden, 'linear_y').data);
      assert.ok(gap > 100 * BF16_GOLDEN_TOLERANCE, `float32 vs bf16 Linear: ${gap.toExponential(2)}`);
    });
  });

  test(`bert-tiny's encoder with bfloat16 Linears matches PyTorch's (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const inputs = pretrainingInputs(tinyGolden);
      const model = castModelToBFloat16(BertModel.fromPretrained(TINY, { quiet: true }), 'bert-tiny');
      assert.equal(model.getParameter('encoder.layer.0.attention.self.query.weight').dtype, 'bfloat16');
      assert.equal(model.getParameter('embeddings.word_embeddings.weight').dtype, 'float32', 'embeddings stay float32');
      assert.equal(model.getParameter('encoder.layer.0.attention.self.query.bias').dtype, 'float32', 'biases stay float32');
      const bf16 = noGrad(() => model.forward(inputs).lastHiddenState);
      const error = normRelativeError(bf16.data, floatTensor(golden, 'last_hidden_state').data);
      const gap = normRelativeError(bf16.data, floatTensor(golden, 'last_hidden_state_fp32').data);
      assert.ok(error <= BF16_GOLDEN_TOLERANCE, `bf16 last_hidden_state vs PyTorch bf16: ${error.toExponential(2)}`);
      assert.ok(gap > 5 * error && gap > 5e-5, `the test tells bf16 from float32: ${gap.toExponential(2)} vs ${error.toExponential(2)}`);

      // Mixed precision: float32 master weights inside autocast('bf16') compute what the cast model does, exactly.
      const master = BertModel.fromPretrained(TINY, { quiet: true });
      const mixed = noGrad(() => autocast('bf16', () => master.forward(inputs).lastHiddenState));
      assert.deepEqual([...mixed.data], [...bf16.data]);
      assert.equal(master.getParameter('encoder.layer.0.output.dense.weight').dtype, 'float32', 'the master stays float32');
    });
  });
}

test('autocast trains: gradients reach the float32 master weights and the scope is restored, even on a throw', () => {
  const model = BertForPreTraining.fromPretrained(TINY, { quiet: true });
  const inputs = pretrainingInputs(tinyGolden);
  const loss = autocast('bf16', () => model.forward(inputs).loss!);
  assert.equal(autocastPrecision(), 'fp32');
  backward(loss);
  const grad = model.getParameter('bert.encoder.layer.1.intermediate.dense.weight').grad;
  assert.ok(grad instanceof Float32Array && grad.some((g) => g !== 0), 'a Linear weight got a float32 gradient');
  const floatLoss = noGrad(() => model.forward(inputs).loss!.item());
  assert.ok(Math.abs(loss.item() - floatLoss) / floatLoss < 1e-2 && loss.item() !== floatLoss, `bf16 loss ${loss.item()} near, not equal to, fp32 ${floatLoss}`);
  assert.throws(() => autocast('bf16', () => { throw new ValueError('inside'); }), ValueError);
  assert.equal(autocastPrecision(), 'fp32');
});

test('forwardLinears rounds a shared input to bfloat16 once: outputs and gradients bit for bit those of forward()', () => {
  const build = (): Linear[] => {
    const params = ParamSource.initializing(new Rng(5));
    return [0, 1, 2].map((i) => new Linear(params.at(`linear${i}`), 24, 16, 0.1));
  };
  const x = new Tensor(Float32Array.from({ length: 3 * 24 }, (_, i) => Math.sin(i * 1.7)), [3, 24]);
  let roundings = 0;
  const backend = getBackend();
  const counting: Backend = { ...backend, bf16Round: (...args) => { roundings++; backend.bf16Round(...args); } };
  withBackend(counting, () => {
    const run = (shared: boolean): { ys: Tensor[]; grads: Float32Array[]; roundings: number } => {
      const layers = build();
      roundings = 0;
      const ys = autocast('bf16', () => (shared ? forwardLinears(x, layers) : layers.map((layer) => layer.forward(x))));
      const counted = roundings;
      const target = new Tensor(Float32Array.from({ length: 3 * 16 }, (_, i) => Math.cos(i)), [3, 16]);
      backward(mseLoss(ys.reduce((sum, y) => add(sum, y)), target));
      return { ys, grads: layers.map((layer) => Float32Array.from(layer.weight.grad!)), roundings: counted };
    };
    const separate = run(false), shared = run(true);
    assert.equal(separate.roundings, 6, 'three Linears on their own: x thrice, each master weight once');
    assert.equal(shared.roundings, 4, 'forwardLinears: x once, each master weight once');
    shared.ys.forEach((y, i) => assert.deepEqual([...y.data], [...separate.ys[i]!.data], `output ${i}`));
    shared.grads.forEach((g, i) => assert.deepEqual([...g], [...separate.grads[i]!], `weight gradient ${i}`));
  });
});

test('autocast runs the MLM decoder tied to the word embeddings in bfloat16, as torch.autocast runs every F.linear', () => {
  const model = BertForPreTraining.fromPretrained(TINY, { quiet: true });
  const hidden = noGrad(() => model.bert.forward(pretrainingInputs(tinyGolden)).lastHiddenState);
  const predictions = model.cls.predictions;
  const logits = noGrad(() => autocast('bf16', () => predictions.forward(hidden)));
  const transformed = noGrad(() => autocast('bf16', () => predictions.transform.forward(hidden)));
  const embeddings = model.getParameter('bert.embeddings.word_embeddings.weight');
  assert.deepEqual([...logits.data], [...noGrad(() => bf16Linear(transformed, embeddings, predictions.bias)).data]);
  const float = noGrad(() => linear(transformed, embeddings, predictions.bias));
  assert.ok(normRelativeError(logits.data, float.data) > 1e-4, 'the decoder is not the float32 product');
  assert.deepEqual([...noGrad(() => predictions.forward(hidden)).data], [...noGrad(() => linear(predictions.transform.forward(hidden), embeddings, predictions.bias)).data], 'float32 outside autocast');
});

test('dtype bf16 errors: a model already bf16 or int8, fp32 of a bf16 model, float64 input, an unknown precision', () => {
  const model = applyModelDType(BertModel.fromPretrained(TINY, { quiet: true }), 'bf16', 'bert-tiny');
  assert.throws(() => applyModelDType(model, 'bf16', 'bert-tiny'), (e: unknown) => e instanceof ConfigError && /bert-tiny holds bfloat16 weights/.test(e.message));
  assert.throws(() => applyModelDType(model, 'fp32', 'bert-tiny'), (e: unknown) => e instanceof ConfigError && /bfloat16 weights; dtype fp32/.test(e.message));
  const int8 = quantizeModel(BertModel.fromPretrained(TINY, { quiet: true }), 'bert-tiny');
  assert.throws(() => applyModelDType(int8, 'bf16', 'bert-tiny'), (e: unknown) => e instanceof ConfigError && /holds int8 weights/.test(e.message));
  const layer = model.namedModules().map(([, m]) => m).find((m) => m instanceof Linear)!;
  assert.ok(layer instanceof Linear);
  const x64 = new Tensor(new Float64Array(layer.inFeatures), [1, layer.inFeatures]);
  assert.throws(() => layer.forward(x64), (e: unknown) => e instanceof DTypeError && /bf16Linear: bfloat16 products take float32, got float64/.test(e.message));
  assert.throws(() => precisionOf('fp16', '--precision'), (e: unknown) => e instanceof ConfigError && /--precision must be one of fp32, bf16, got "fp16"/.test(e.message));
  const pipeline = createPipeline('feature-extraction', TINY, { dtype: 'bf16' });
  assert.ok(pipeline instanceof FeatureExtractionPipeline);
  const weights = pipeline.model.wordEmbeddings();
  assert.equal(weights.dtype, 'float32');
  assert.ok(pipeline.model instanceof BertModel);
  assert.equal(pipeline.model.getParameter('encoder.layer.0.output.dense.weight').dtype, 'bfloat16', "pipeline option dtype 'bf16'");
});
