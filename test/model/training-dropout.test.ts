/**
 * Training mode against PyTorch with the same dropout masks (reference/make_head_fixtures.py →
 * heads/sequence-classification-dropout): hidden dropout 0.1, attention-probability dropout 0.2, and the classifier's
 * classifier_dropout 0.4 — or, with classifier_dropout null, hidden_dropout_prob (Hugging Face's fallback). The
 * backend's dropout kernel is replaced by one that replays PyTorch's keep masks in call order and scales kept values
 * by the 1/(1-p) that tsbert asks for, so a wrong rate, a missing or extra dropout, or one in the wrong place shows.
 * The head asks only for the pooled output, so tsbert runs the last layer after attention at [CLS] alone
 * (ForwardOptions.poolerOnly): there its two dropouts see [batch, 1, hidden] and get PyTorch's mask at position 0 —
 * and the logits, loss and every gradient must still equal PyTorch's full computation.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readHeadArguments } from '../../src/cli/head-arguments.js';
import { loadWeights, readConfig } from '../../src/model/bert-checkpoint.js';
import { toInt32 } from '../../src/io/safetensors.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { TASK_HEADS } from '../../src/model/heads/task-heads.js';
import { backward } from '../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, readFixture } from '../helpers/fixtures.js';
import { compareHeadGradients, HEAD_OUTPUT_ABS_TOLERANCE } from '../helpers/head-goldens.js';
import { replayingDropout } from '../helpers/replayed-dropout.js';
import '../helpers/node-runtime.js';

const dir = fixturePath('reference', 'heads', 'sequence-classification-dropout');
const golden = readFixture('reference', 'heads', 'sequence-classification-dropout', 'golden.safetensors');
const sites = JSON.parse(golden.metadata['dropout_sites']!) as Record<string, { site: string; p: number }[]>;

for (const backendCase of backendCases()) {
  for (const variant of ['set', 'null'] as const) {
    test(`training with classifier_dropout ${variant === 'set' ? '0.4' : 'null (hidden_dropout_prob 0.1)'} matches PyTorch given its dropout masks (${backendCase.name})`, (t) => {
      if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
      const config = readConfig(dir);
      if (variant === 'null') config.extra['classifier_dropout'] = null;
      const model = new BertForSequenceClassification(config);
      loadWeights(model, join(dir, 'model.safetensors'));
      const runner = TASK_HEADS['sequence-classification'].wrap(model.train());
      const expectedSites = sites[variant]!;
      const keeps = expectedSites.map((_, i) => toInt32(golden.get(`${variant}.dropout_keep.${i}`)));
      const rates: number[] = [];
      const lastLayer = `layer.${config.numHiddenLayers - 1}.`;
      const firstTokenSites = new Set(expectedSites.flatMap((s, i) => s.site === `${lastLayer}attention.output` || s.site === `${lastLayer}output` ? [i] : []));
      assert.equal(firstTokenSites.size, 2, `the last layer's two dropouts after attention among ${expectedSites.map((s) => s.site).join(', ')}`);
      const seq = golden.get('input_ids').shape[1]!;
      withBackend(replayingDropout(backendCase.backend!, keeps, rates, firstTokenSites, golden.get('input_ids').shape[0]!, seq), () => {
        const outputs = runner.forward(readHeadArguments(golden, runner));
        assert.deepEqual(rates, expectedSites.map((s) => s.p), `dropout rates in order (${expectedSites.map((s) => s.site).join(', ')})`);
        let worstOutput = 0;
        for (const name of ['logits', 'loss']) {
          const error = maxAbsoluteError(outputs[name]!.data, floatTensor(golden, `${variant}.${name}`).data);
          worstOutput = Math.max(worstOutput, error);
          assert.ok(error <= HEAD_OUTPUT_ABS_TOLERANCE, `${name}: max abs error ${error.toExponential(2)}`);
        }
        backward(outputs['loss']!);
        const gradients = compareHeadGradients(model.namedParameters(), golden, `${variant}.`, `dropout ${variant}`);
        t.diagnostic(`worst output error ${worstOutput.toExponential(2)}; gradients: ${gradients}`);
      });
    });
  }
}
