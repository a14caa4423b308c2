/**
 * DistilBERT and every head against PyTorch (reference/make_distilbert_fixtures.py, written from Hugging Face's
 * modeling_distilbert.py and checked there against nn.TransformerEncoderLayer): outputs (hidden states and attention
 * probabilities for the base model), the loss Hugging Face's rules pick and the gradient of every parameter, eval mode,
 * padded batches, odd sizes, on both backends. Regression, multi-label, relu and gelu_new variants included; masked
 * LM scored at its labelled rows alone, and sequence classification with every row of the last layer.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { backward } from '../../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../../helpers/assert-close.js';
import { backendCases, withBackend } from '../../helpers/backends.js';
import { DistilBertForMaskedLM } from '../../../src/model/distilbert/for-masked-lm.js';
import { DistilBertForSequenceClassification } from '../../../src/model/distilbert/for-sequence-classification.js';
import { floatTensor, intTensor } from '../../helpers/fixtures.js';
import { compareHeadGradients, HEAD_OUTPUT_ABS_TOLERANCE } from '../../helpers/head-goldens.js';
import { GOLDEN_HEADS, GOLDENS, goldenDir, readGolden } from './distilbert-goldens.js';
import '../../helpers/node-runtime.js';

/** Loss relative to PyTorch's float32 (its own distance from float64 is ≤ 2e-6 relative, distilbert/manifest.json). */
const LOSS_REL_TOLERANCE = 1e-5;

for (const backendCase of backendCases()) {
  for (const { folder, head } of GOLDENS) {
    test(`DistilBERT ${folder} matches PyTorch: outputs, loss and every gradient (${backendCase.name})`, (t) => {
      if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
      withBackend(backendCase.backend!, () => {
        const golden = readGolden(folder);
        const model = GOLDEN_HEADS[head]!.load(goldenDir(folder));
        assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
        const outputs = GOLDEN_HEADS[head]!.run(model, golden);
        let worst = 0;
        for (const [name, actual] of Object.entries(outputs)) {
          const expected = floatTensor(golden, name);
          if (name === 'loss') {
            const relative = Math.abs(actual.item() - expected.item()) / Math.abs(expected.item());
            assert.ok(relative <= LOSS_REL_TOLERANCE, `${folder} loss ${actual.item()} vs ${expected.item()}: relative error ${relative.toExponential(2)}`);
            continue;
          }
          assert.deepEqual([...actual.shape], [...expected.shape], `${folder} ${name} shape`);
          const error = maxAbsoluteError(actual.data, expected.data);
          worst = Math.max(worst, error);
          assert.ok(error <= HEAD_OUTPUT_ABS_TOLERANCE, `${folder} ${name}: max abs error ${error.toExponential(2)} > ${HEAD_OUTPUT_ABS_TOLERANCE}`);
        }
        backward(outputs['loss']!);
        const grads = compareHeadGradients(model.namedParameters(), golden, '', folder);
        t.diagnostic(`worst output error ${worst.toExponential(2)}; gradients: ${grads}`);
      });
    });
  }
}

test('masked LM scored at the labelled rows alone (onlyMaskedPositions) gives PyTorch\'s loss and gradients', () => {
  const golden = readGolden('masked-lm');
  const model = DistilBertForMaskedLM.fromPretrained(goldenDir('masked-lm'));
  const out = model.forward({ inputIds: intTensor(golden, 'input_ids'), attentionMask: intTensor(golden, 'attention_mask'), labels: intTensor(golden, 'labels') },
    { onlyMaskedPositions: true });
  assert.deepEqual([...out.logits.shape], [6, 37], 'two labelled rows in each of three sequences');
  assert.ok(Math.abs(out.loss!.item() - floatTensor(golden, 'loss').item()) / floatTensor(golden, 'loss').item() <= LOSS_REL_TOLERANCE);
  backward(out.loss!);
  compareHeadGradients(model.namedParameters(), golden, '', 'masked-lm (only masked positions)');
});

test('sequence classification with outputHiddenStates (every row of the last layer) gives the same logits and hidden states', () => {
  const golden = readGolden('sequence-classification');
  const model = DistilBertForSequenceClassification.fromPretrained(goldenDir('sequence-classification'));
  const out = model.forward({ inputIds: intTensor(golden, 'input_ids'), attentionMask: intTensor(golden, 'attention_mask') }, { outputHiddenStates: true });
  assert.ok(maxAbsoluteError(out.logits.data, floatTensor(golden, 'logits').data) <= HEAD_OUTPUT_ABS_TOLERANCE);
  assert.equal(out.hiddenStates!.length, 4, 'the embeddings and each of 3 layers');
  assert.deepEqual([...out.hiddenStates![3]!.shape], [3, 11, 15]);
});
