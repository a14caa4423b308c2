/**
 * RoBERTa against PyTorch (reference/make_roberta_fixtures.py → test/fixtures/reference/roberta/): RobertaModel and
 * every head loaded from Hugging Face folders through the Auto classes, their outputs, the loss and the gradient of
 * every weight, in eval mode, on both backends; padding in every batch (RoBERTa's position ids skip it).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import type { SafetensorsFile } from '../../src/io/safetensors.js';
import { add } from '../../src/ops/add.js';
import { mseLoss } from '../../src/ops/mse-loss.js';
import {
  AutoModel, AutoModelForMaskedLM, AutoModelForMultipleChoice, AutoModelForQuestionAnswering,
  AutoModelForSequenceClassification, AutoModelForTokenClassification, type AutoClass,
} from '../../src/model/auto.js';
import type { EncoderInputs } from '../../src/model/encoder-model.js';
import type { PreTrainedModel } from '../../src/model/pretrained-model.js';
import { RobertaForMaskedLM } from '../../src/model/roberta/roberta-masked-lm.js';
import { RobertaModel } from '../../src/model/roberta/roberta-model.js';
import { RobertaForMultipleChoice } from '../../src/model/roberta/roberta-multiple-choice.js';
import { RobertaForQuestionAnswering } from '../../src/model/roberta/roberta-question-answering.js';
import { RobertaForSequenceClassification } from '../../src/model/roberta/roberta-sequence-classification.js';
import { RobertaForTokenClassification } from '../../src/model/roberta/roberta-token-classification.js';
import { backward, type Tensor } from '../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, intTensor, readFixture } from '../helpers/fixtures.js';
import { compareHeadGradients, HEAD_OUTPUT_ABS_TOLERANCE } from '../helpers/head-goldens.js';
import '../helpers/node-runtime.js';

/** The loss relative to PyTorch's: float32 summation order alone (the goldens' float32 vs float64: ≤ 1e-6 relative). */
const LOSS_REL_TOLERANCE = 1e-5;

/** Tensors under Hugging Face's output names, in its order. */
type Outputs = Record<string, Tensor>;

interface Golden {
  folder: string;
  auto: AutoClass;
  Class: abstract new (...args: never[]) => PreTrainedModel;
  /** Runs the golden's inputs through the loaded model. */
  run(model: PreTrainedModel, golden: SafetensorsFile): Outputs;
}

function encoderInputs(golden: SafetensorsFile): EncoderInputs {
  return {
    inputIds: intTensor(golden, 'input_ids'),
    tokenTypeIds: intTensor(golden, 'token_type_ids'),
    attentionMask: intTensor(golden, 'attention_mask'),
  };
}

/** Class ids as int32; float targets (regression, multi-label) as float32, as the reference's dtype says. */
function labelsOf(golden: SafetensorsFile): Tensor {
  return golden.get('labels').dtype === 'F32' ? floatTensor(golden, 'labels') : intTensor(golden, 'labels');
}

function withLoss(output: Outputs, loss: Tensor | undefined): Outputs {
  assert.ok(loss !== undefined, 'a loss with labels');
  return { ...output, loss };
}

function expectClass<C extends abstract new (...args: never[]) => PreTrainedModel>(model: PreTrainedModel, Class: C): InstanceType<C> {
  assert.ok(model instanceof Class, `expected ${Class.name}, got ${model.architecture}`);
  return model as InstanceType<C>;
}

const classified = (model: PreTrainedModel, golden: SafetensorsFile): Outputs => {
  const out = expectClass(model, RobertaForSequenceClassification).forward({ ...encoderInputs(golden), labels: labelsOf(golden) });
  return withLoss({ logits: out.logits }, out.loss);
};

const GOLDENS: Golden[] = [
  {
    folder: 'base', auto: AutoModel, Class: RobertaModel,
    run(model, golden) {
      const out = expectClass(model, RobertaModel).forward(encoderInputs(golden));
      assert.ok(out.poolerOutput !== null);
      // The reference's scalar: MSE of both outputs against fixed random targets, so every weight gets a gradient.
      const loss = add(mseLoss(out.lastHiddenState, floatTensor(golden, 'target_last_hidden_state')),
        mseLoss(out.poolerOutput, floatTensor(golden, 'target_pooler_output')));
      return { last_hidden_state: out.lastHiddenState, pooler_output: out.poolerOutput, loss };
    },
  },
  {
    folder: 'masked-lm', auto: AutoModelForMaskedLM, Class: RobertaForMaskedLM,
    run(model, golden) {
      const out = expectClass(model, RobertaForMaskedLM).forward({ ...encoderInputs(golden), labels: intTensor(golden, 'labels') });
      return withLoss({ logits: out.logits }, out.loss);
    },
  },
  { folder: 'sequence-classification', auto: AutoModelForSequenceClassification, Class: RobertaForSequenceClassification, run: classified },
  { folder: 'sequence-classification-regression', auto: AutoModelForSequenceClassification, Class: RobertaForSequenceClassification, run: classified },
  { folder: 'sequence-classification-multi-label', auto: AutoModelForSequenceClassification, Class: RobertaForSequenceClassification, run: classified },
  {
    folder: 'token-classification', auto: AutoModelForTokenClassification, Class: RobertaForTokenClassification,
    run(model, golden) {
      const out = expectClass(model, RobertaForTokenClassification).forward({ ...encoderInputs(golden), labels: intTensor(golden, 'labels') });
      return withLoss({ logits: out.logits }, out.loss);
    },
  },
  {
    folder: 'question-answering', auto: AutoModelForQuestionAnswering, Class: RobertaForQuestionAnswering,
    run(model, golden) {
      const out = expectClass(model, RobertaForQuestionAnswering).forward({
        ...encoderInputs(golden), startPositions: intTensor(golden, 'start_positions'), endPositions: intTensor(golden, 'end_positions'),
      });
      return withLoss({ start_logits: out.startLogits, end_logits: out.endLogits }, out.loss);
    },
  },
  {
    folder: 'multiple-choice', auto: AutoModelForMultipleChoice, Class: RobertaForMultipleChoice,
    run(model, golden) {
      const out = expectClass(model, RobertaForMultipleChoice).forward({ ...encoderInputs(golden), labels: intTensor(golden, 'labels') });
      return withLoss({ logits: out.logits }, out.loss);
    },
  },
];

for (const backendCase of backendCases()) {
  for (const { folder, auto, Class, run } of GOLDENS) {
    test(`RoBERTa ${folder} matches PyTorch: outputs, loss and every gradient (${backendCase.name})`, (t) => {
      if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
      withBackend(backendCase.backend!, () => {
        const model = auto.fromPretrained(fixturePath('reference', 'roberta', folder), { quiet: true });
        assert.ok(model instanceof Class, `the Auto class picked ${Class.name}, got ${model.architecture}`);
        // Nothing new, nothing left over: the tied lm_head.decoder.* and the position_ids buffer are no parameters.
        assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
        const golden = readFixture('reference', 'roberta', folder, 'golden.safetensors');
        const outputs = run(model, golden);
        let worst = 0;
        for (const [name, actual] of Object.entries(outputs)) {
          const expected = floatTensor(golden, name);
          assert.deepEqual([...actual.shape], [...expected.shape], `${folder} ${name} shape`);
          if (name === 'loss') {
            const relative = Math.abs(actual.item() - expected.item()) / Math.abs(expected.item());
            assert.ok(relative <= LOSS_REL_TOLERANCE, `${folder} loss ${actual.item()} vs ${expected.item()}: relative ${relative.toExponential(2)}`);
            continue;
          }
          const error = maxAbsoluteError(actual.data, expected.data);
          worst = Math.max(worst, error);
          assert.ok(error <= HEAD_OUTPUT_ABS_TOLERANCE, `${folder} ${name}: max abs error ${error.toExponential(2)} > ${HEAD_OUTPUT_ABS_TOLERANCE}`);
        }
        backward(outputs['loss']!);
        const grad = compareHeadGradients(model.namedParameters(), golden, '', folder);
        t.diagnostic(`worst output error ${worst.toExponential(2)}; gradients: ${grad}`);
      });
    });
  }
}
