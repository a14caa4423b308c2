/**
 * The DistilBERT goldens of reference/make_distilbert_fixtures.py (test/fixtures/reference/distilbert/): each folder's
 * class, and its inputs under Hugging Face's argument names turned into the class's forward() arguments and back
 * into Hugging Face's output names.
 */
import type { SafetensorsFile } from '../../../src/io/safetensors.js';
import { matmul } from '../../../src/ops/matmul.js';
import { reshape } from '../../../src/ops/reshape.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { DistilBertModel } from '../../../src/model/distilbert/distilbert-model.js';
import { DistilBertForMaskedLM } from '../../../src/model/distilbert/for-masked-lm.js';
import { DistilBertForMultipleChoice } from '../../../src/model/distilbert/for-multiple-choice.js';
import { DistilBertForQuestionAnswering } from '../../../src/model/distilbert/for-question-answering.js';
import { DistilBertForSequenceClassification } from '../../../src/model/distilbert/for-sequence-classification.js';
import { DistilBertForTokenClassification } from '../../../src/model/distilbert/for-token-classification.js';
import type { DistilBertPreTrainedModel } from '../../../src/model/distilbert/distilbert-pretrained.js';
import { fixturePath, floatTensor, intTensor, readFixture } from '../../helpers/fixtures.js';

export const DISTILBERT_FIXTURES = ['reference', 'distilbert'] as const;

export function goldenDir(folder: string): string {
  return fixturePath(...DISTILBERT_FIXTURES, folder);
}

export function readGolden(folder: string): SafetensorsFile {
  return readFixture(...DISTILBERT_FIXTURES, folder, 'golden.safetensors');
}

/** Class labels are I64, regression and multi-label targets F32: each as the dtype Hugging Face was given. */
function labelsOf(golden: SafetensorsFile): Tensor {
  return golden.get('labels').dtype === 'F32' ? floatTensor(golden, 'labels') : intTensor(golden, 'labels');
}

function encoderInputs(golden: SafetensorsFile): { inputIds: Tensor; attentionMask: Tensor } {
  return { inputIds: intTensor(golden, 'input_ids'), attentionMask: intTensor(golden, 'attention_mask') };
}

/** A golden's class and how to run it: Hugging Face's output names (loss included) for the golden's inputs. */
export interface GoldenHead {
  load(dir: string): DistilBertPreTrainedModel;
  run(model: DistilBertPreTrainedModel, golden: SafetensorsFile): Record<string, Tensor>;
}

const withLabels = <M extends DistilBertForSequenceClassification | DistilBertForTokenClassification | DistilBertForMultipleChoice | DistilBertForMaskedLM>(
  Model: { fromPretrained(dir: string): M },
): GoldenHead => ({
  load: (dir) => Model.fromPretrained(dir),
  run: (model, golden) => {
    const out = (model as M).forward({ ...encoderInputs(golden), labels: labelsOf(golden) });
    return { logits: out.logits, loss: out.loss! };
  },
});

export const GOLDEN_HEADS: Record<string, GoldenHead> = {
  'base': {
    load: (dir) => DistilBertModel.fromPretrained(dir),
    run: (model, golden) => {
      const out = (model as DistilBertModel).forward(encoderInputs(golden), { outputHiddenStates: true, outputAttentions: true });
      const last = out.lastHiddenState;
      // The golden's loss: Σ last_hidden_state · probe, as [1, n] × [n, 1].
      const probe = floatTensor(golden, 'probe');
      const loss = matmul(reshape(last, [1, last.size]), reshape(probe, [probe.size, 1]));
      const outputs: Record<string, Tensor> = { last_hidden_state: last, loss };
      out.hiddenStates!.forEach((h, i) => { outputs[`hidden_states.${i}`] = h; });
      out.attentions!.forEach((a, i) => { outputs[`attentions.${i}`] = a; });
      return outputs;
    },
  },
  'masked-lm': withLabels(DistilBertForMaskedLM),
  'sequence-classification': withLabels(DistilBertForSequenceClassification),
  'token-classification': withLabels(DistilBertForTokenClassification),
  'multiple-choice': withLabels(DistilBertForMultipleChoice),
  'question-answering': {
    load: (dir) => DistilBertForQuestionAnswering.fromPretrained(dir),
    run: (model, golden) => {
      const out = (model as DistilBertForQuestionAnswering).forward({
        ...encoderInputs(golden),
        startPositions: intTensor(golden, 'start_positions'),
        endPositions: intTensor(golden, 'end_positions'),
      });
      return { start_logits: out.startLogits, end_logits: out.endLogits, loss: out.loss! };
    },
  },
};

/** The golden folders and the head each runs. */
export const GOLDENS: { folder: string; head: string }[] = [
  { folder: 'model', head: 'base' },
  { folder: 'masked-lm', head: 'masked-lm' },
  { folder: 'sequence-classification', head: 'sequence-classification' },
  { folder: 'sequence-classification-regression', head: 'sequence-classification' },
  { folder: 'sequence-classification-multi-label', head: 'sequence-classification' },
  { folder: 'sequence-classification-relu', head: 'sequence-classification' },
  { folder: 'token-classification', head: 'token-classification' },
  { folder: 'question-answering', head: 'question-answering' },
  { folder: 'multiple-choice', head: 'multiple-choice' },
];
