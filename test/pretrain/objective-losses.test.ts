/**
 * The objectives' losses through the pre-training path (pretraining-model.ts: only masked positions scored, the pair
 * label fed as ALBERT's sentence_order_label) against PyTorch: AlbertForPreTraining's MLM and SOP losses and their sum,
 * RobertaForMaskedLM's MLM loss (reference/make_objective_goldens.py splits the goldens of make_albert_fixtures.py and
 * make_roberta_fixtures.py), the scored logits, and every gradient of the summed loss, on both backends.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IGNORE_INDEX } from '../../src/ops/cross-entropy.js';
import { AlbertForPreTraining } from '../../src/model/albert/index.js';
import { RobertaForMaskedLM } from '../../src/model/roberta/index.js';
import { pretrainingModelOf, type PretrainingHeadModel } from '../../src/pretrain/pretraining-model.js';
import { pretrainingForward, type PretrainBatch } from '../../src/pretrain/train-step.js';
import { backward, Tensor } from '../../src/tensor/tensor.js';
import type { SafetensorsFile } from '../../src/io/safetensors.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, intTensor, readFixture } from '../helpers/fixtures.js';
import { compareHeadGradients } from '../helpers/head-goldens.js';
import '../helpers/node-runtime.js';

/** The bounds: losses within 1e-5 relative, outputs within 1e-4. */
const LOSS_REL_TOLERANCE = 1e-5;
const OUTPUT_ABS_TOLERANCE = 1e-4;

interface Losses {
  albert_pretraining: { mlm_loss: number; sop_loss: number; loss: number };
  roberta_masked_lm: { mlm_loss: number };
}
const LOSSES = JSON.parse(readFileSync(fixturePath('reference', 'objectives', 'losses.json'), 'utf8')) as Losses;

function batchOf(golden: SafetensorsFile): PretrainBatch {
  const inputIds = intTensor(golden, 'input_ids');
  const pair = golden.tensors.has('sentence_order_label') ? intTensor(golden, 'sentence_order_label') : new Tensor(new Int32Array(inputIds.shape[0]!), [inputIds.shape[0]!]);
  return { inputIds, tokenTypeIds: intTensor(golden, 'token_type_ids'), attentionMask: intTensor(golden, 'attention_mask'), labels: intTensor(golden, 'labels'), nextSentenceLabel: pair };
}

function assertRelative(actual: number, expected: number, what: string): void {
  const error = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(error <= LOSS_REL_TOLERANCE, `${what}: ${actual} vs PyTorch ${expected} (relative error ${error.toExponential(2)})`);
}

/** The golden's full logits [batch, seq, vocab] at the labelled positions, in order: what the MLM head scores. */
function labelledRows(logits: Tensor, labels: Int32Array): number[] {
  const vocab = logits.shape[2]!;
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== IGNORE_INDEX) rows.push(...logits.data.subarray(i * vocab, (i + 1) * vocab));
  return rows;
}

const CASES: { name: string; folder: [string, string]; load: (dir: string) => PretrainingHeadModel; logits: string }[] = [
  { name: 'AlbertForPreTraining (MLM + SOP)', folder: ['albert', 'pretraining'], load: (dir) => AlbertForPreTraining.fromPretrained(dir), logits: 'prediction_logits' },
  { name: 'RobertaForMaskedLM (MLM)', folder: ['roberta', 'masked-lm'], load: (dir) => RobertaForMaskedLM.fromPretrained(dir), logits: 'logits' },
];

for (const backendCase of backendCases()) {
  for (const c of CASES) {
    test(`${c.name} losses through the pre-training path match PyTorch, with every gradient (${backendCase.name})`, (t) => {
      if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
      withBackend(backendCase.backend!, () => {
        const model = c.load(fixturePath('reference', ...c.folder));
        model.eval();
        const golden = readFixture('reference', ...c.folder, 'golden.safetensors');
        const batch = batchOf(golden);
        const objective = pretrainingModelOf(model);
        const out = objective.forward(batch);
        const labels = batch.labels.ints('labels');
        const expectedRows = labelledRows(floatTensor(golden, c.logits), labels);
        assert.equal(out.mlmLogits.size, expectedRows.length, 'only the labelled positions are scored');
        let worst = 0;
        for (let k = 0; k < expectedRows.length; k++) worst = Math.max(worst, Math.abs(out.mlmLogits.data[k]! - expectedRows[k]!));
        assert.ok(worst <= OUTPUT_ABS_TOLERANCE, `MLM logits: max abs error ${worst.toExponential(2)}`);
        if (model instanceof AlbertForPreTraining) {
          const expected = LOSSES.albert_pretraining;
          assertRelative(out.mlmLoss.item(), expected.mlm_loss, 'MLM loss');
          assertRelative(out.pairLoss!.item(), expected.sop_loss, 'SOP loss');
          assertRelative(out.loss.item(), expected.loss, 'MLM + SOP loss');
        } else {
          assert.equal(out.pairLoss, undefined, 'RoBERTa has no pair loss');
          assertRelative(out.loss.item(), LOSSES.roberta_masked_lm.mlm_loss, 'MLM loss');
        }
        backward(out.loss);
        t.diagnostic(`logits worst ${worst.toExponential(2)}; gradients: ${compareHeadGradients(model.namedParameters(), golden, '', c.folder.join('/'))}`);
      });
    });
  }
}

test('the training metrics are named for the pair task: sop_* for ALBERT, none for RoBERTa', () => {
  const albert = AlbertForPreTraining.fromPretrained(fixturePath('reference', 'albert', 'pretraining'));
  const albertMetrics = pretrainingForward(pretrainingModelOf(albert), batchOf(readFixture('reference', 'albert', 'pretraining', 'golden.safetensors')), 'albert').metrics;
  assert.deepEqual(Object.keys(albertMetrics).sort(), ['mlm_accuracy', 'mlm_loss', 'sop_accuracy', 'sop_loss']);
  assertRelative(albertMetrics['sop_loss']![0], LOSSES.albert_pretraining.sop_loss, 'sop_loss metric');
  const roberta = RobertaForMaskedLM.fromPretrained(fixturePath('reference', 'roberta', 'masked-lm'));
  const robertaMetrics = pretrainingForward(pretrainingModelOf(roberta), batchOf(readFixture('reference', 'roberta', 'masked-lm', 'golden.safetensors')), 'mlm').metrics;
  assert.deepEqual(Object.keys(robertaMetrics).sort(), ['mlm_accuracy', 'mlm_loss']);
});
