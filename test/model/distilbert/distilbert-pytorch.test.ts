/**
 * DistilBERT and every head against PyTorch (reference/make_distilbert_fixtures.py, written from Hugging Face's
 * modeling_distilbert.py and checked there against nn.TransformerEncoderLayer): outputs (hidden states and attention
 * probabilities for the base model), the loss Hugging Face's rules pick and the gradient of every parameter, eval mode,
 * padded batches, odd sizes, on both backends. Regression, multi-label, relu and gelu_new variants included.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { backward } from '../../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../../helpers/assert-close.js';
import { backendCases, withBackend } from '../../helpers/backends.js';
import { floatTensor } from '../../helpers/fixtures.js';
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
