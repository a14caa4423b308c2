/**
 * ALBERT against PyTorch (reference/make_albert_fixtures.py → test/fixtures/reference/albert/): AlbertModel with one
 * and two layer groups of one and two inner layers, and every head, with E ≠ H and padding in the batch — outputs
 * within 1e-4, losses within 1e-5 relative, every gradient (each shared layer's summed over all its uses) within
 * HEAD_GRAD_REL_TOLERANCE of its norm, in eval mode, on both backends. Each folder is loaded by the registry's class
 * for its task (AutoModel*), so the rows of model_type "albert" are tested with it. And training mode, given
 * PyTorch's dropout masks: a dropout ALBERT does not have (after the feed-forward) or a wrong rate would show.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { toInt32, type SafetensorsFile } from '../../../src/io/safetensors.js';
import { AlbertForTokenClassification } from '../../../src/model/albert/index.js';
import {
  AutoModel, AutoModelForMaskedLM, AutoModelForMultipleChoice, AutoModelForPreTraining, AutoModelForQuestionAnswering,
  AutoModelForSequenceClassification, AutoModelForTokenClassification, type AutoClass,
} from '../../../src/model/auto.js';
import { add } from '../../../src/ops/add.js';
import { linear } from '../../../src/ops/linear.js';
import { reshape } from '../../../src/ops/reshape.js';
import { backward, Tensor } from '../../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../../helpers/assert-close.js';
import { backendCases, withBackend } from '../../helpers/backends.js';
import { fixturePath, floatTensor, intTensor, readFixture } from '../../helpers/fixtures.js';
import { compareHeadGradients } from '../../helpers/head-goldens.js';
import { replayingDropout } from '../../helpers/replayed-dropout.js';
import '../../helpers/node-runtime.js';

/** The brief's bounds: outputs 1e-4 absolute, losses 1e-5 relative (gradients: compareHeadGradients, 1e-5 of the norm). */
const OUTPUT_ABS_TOLERANCE = 1e-4;
const LOSS_REL_TOLERANCE = 1e-5;

const GOLDENS: { folder: string; auto: AutoClass; architecture: string }[] = [
  { folder: 'model-g1-i1', auto: AutoModel, architecture: 'AlbertModel' },
  { folder: 'model-g2-i2', auto: AutoModel, architecture: 'AlbertModel' },
  { folder: 'pretraining', auto: AutoModelForPreTraining, architecture: 'AlbertForPreTraining' },
  { folder: 'masked-lm', auto: AutoModelForMaskedLM, architecture: 'AlbertForMaskedLM' },
  { folder: 'sequence-classification', auto: AutoModelForSequenceClassification, architecture: 'AlbertForSequenceClassification' },
  { folder: 'sequence-classification-regression', auto: AutoModelForSequenceClassification, architecture: 'AlbertForSequenceClassification' },
  { folder: 'sequence-classification-multi-label', auto: AutoModelForSequenceClassification, architecture: 'AlbertForSequenceClassification' },
  { folder: 'token-classification', auto: AutoModelForTokenClassification, architecture: 'AlbertForTokenClassification' },
  { folder: 'question-answering', auto: AutoModelForQuestionAnswering, architecture: 'AlbertForQuestionAnswering' },
  { folder: 'multiple-choice', auto: AutoModelForMultipleChoice, architecture: 'AlbertForMultipleChoice' },
];

/** Hugging Face's argument names → the forward() inputs; float labels stay float (regression, multi-label). */
function goldenInputs(golden: SafetensorsFile): { inputIds: Tensor } & Record<string, Tensor> {
  const names: [string, string][] = [
    ['input_ids', 'inputIds'], ['token_type_ids', 'tokenTypeIds'], ['attention_mask', 'attentionMask'], ['labels', 'labels'],
    ['sentence_order_label', 'sentenceOrderLabel'], ['start_positions', 'startPositions'], ['end_positions', 'endPositions'],
  ];
  const inputs: { inputIds: Tensor } & Record<string, Tensor> = { inputIds: intTensor(golden, 'input_ids') };
  for (const [hf, ts] of names) {
    const entry = golden.tensors.get(hf);
    if (entry !== undefined) inputs[ts] = entry.dtype.startsWith('F') ? floatTensor(golden, hf) : intTensor(golden, hf);
  }
  return inputs;
}

/** The golden's outputs under tsbert's names: snake_case → camelCase; hidden_states.i / attentions.i → the arrays. */
function tsOutput(outputs: Record<string, unknown>, hfName: string): Tensor {
  const indexed = /^(hidden_states|attentions)\.(\d+)$/.exec(hfName);
  if (indexed !== null) return (outputs[indexed[1] === 'hidden_states' ? 'hiddenStates' : 'attentions'] as Tensor[])[Number(indexed[2])]!;
  return outputs[hfName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] as Tensor;
}

/** Σ x·probe over all elements, as one linear product: the base model's golden loss (a fixed random weighting). */
function probe(x: Tensor, weights: Tensor): Tensor {
  return linear(reshape(x, [1, x.size]), new Tensor(weights.data, [1, weights.size]), null);
}

for (const backendCase of backendCases()) {
  for (const { folder, auto, architecture } of GOLDENS) {
    test(`ALBERT ${folder} matches PyTorch: outputs, loss and every gradient (${backendCase.name})`, (t) => {
      if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
      withBackend(backendCase.backend!, () => {
        const model = auto.fromPretrained(fixturePath('reference', 'albert', folder));
        assert.equal(model.architecture, architecture);
        assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
        const golden = readFixture('reference', 'albert', folder, 'golden.safetensors');
        const isBase = architecture === 'AlbertModel';
        const forward = (model as unknown as { forward(inputs: object, options?: object): Record<string, unknown> }).forward.bind(model);
        const outputs = forward(goldenInputs(golden), isBase ? { outputHiddenStates: true, outputAttentions: true } : {});
        if (isBase) {
          outputs['loss'] = add(probe(outputs['lastHiddenState'] as Tensor, floatTensor(golden, 'probe_sequence')),
            probe(outputs['poolerOutput'] as Tensor, floatTensor(golden, 'probe_pooled')));
        }
        const inputNames = new Set(['input_ids', 'token_type_ids', 'attention_mask', 'labels', 'sentence_order_label',
          'start_positions', 'end_positions', 'probe_sequence', 'probe_pooled']);
        const outputNames = [...golden.tensors.keys()].filter((name) => !inputNames.has(name) && !name.startsWith('grad.'));
        let worst = 0;
        for (const name of outputNames) {
          const actual = tsOutput(outputs, name);
          const expected = floatTensor(golden, name);
          assert.ok(actual !== undefined, `${folder}: no output ${name}`);
          if (name === 'loss') {
            const error = Math.abs(actual.data[0]! - expected.data[0]!) / Math.abs(expected.data[0]!);
            assert.ok(error <= LOSS_REL_TOLERANCE, `${folder} loss: relative error ${error.toExponential(2)} > ${LOSS_REL_TOLERANCE}`);
            continue;
          }
          assert.deepEqual([...actual.shape], [...expected.shape], `${folder} ${name} shape`);
          const error = maxAbsoluteError(actual.data, expected.data);
          worst = Math.max(worst, error);
          assert.ok(error <= OUTPUT_ABS_TOLERANCE, `${folder} ${name}: max abs error ${error.toExponential(2)} > ${OUTPUT_ABS_TOLERANCE}`);
        }
        backward(outputs['loss'] as Tensor);
        const grad = compareHeadGradients(model.namedParameters(), golden, '', folder);
        t.diagnostic(`${outputNames.length} outputs, worst ${worst.toExponential(2)}; gradients: ${grad}`);
      });
    });
  }
}

for (const backendCase of backendCases()) {
  test(`ALBERT in training mode matches PyTorch given its dropout masks: embeddings, attention, no feed-forward dropout, classifier (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    const golden = readFixture('reference', 'albert', 'token-classification-dropout', 'golden.safetensors');
    const model = AlbertForTokenClassification.fromPretrained(fixturePath('reference', 'albert', 'token-classification-dropout')).train();
    const expectedRates = [...floatTensor(golden, 'dropout_p').data];
    const keeps = expectedRates.map((_, i) => toInt32(golden.get(`dropout_keep.${i}`)));
    const rates: number[] = [];
    withBackend(replayingDropout(backendCase.backend!, keeps, rates), () => {
      const outputs = model.forward(goldenInputs(golden));
      assert.deepEqual(rates.map((p) => Math.fround(p)), expectedRates, 'dropout rates in PyTorch\'s order');
      const error = maxAbsoluteError(outputs.logits.data, floatTensor(golden, 'logits').data);
      assert.ok(error <= OUTPUT_ABS_TOLERANCE, `logits: max abs error ${error.toExponential(2)}`);
      const loss = floatTensor(golden, 'loss').data[0]!;
      assert.ok(Math.abs(outputs.loss!.data[0]! - loss) / loss <= LOSS_REL_TOLERANCE, 'loss');
      backward(outputs.loss!);
      t.diagnostic(`logits ${error.toExponential(2)}; gradients: ${compareHeadGradients(model.namedParameters(), golden, '', 'dropout')}`);
    });
  });
}
