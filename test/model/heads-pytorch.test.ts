/**
 * Every task head against PyTorch (reference/make_head_fixtures.py → test/fixtures/reference/heads/): the outputs
 * under Hugging Face's names, the loss Hugging Face's rules pick, and the gradient of every parameter, in eval mode,
 * on both backends. Covers single-label, regression and multi-label sequence classification, token classification
 * with -100 labels, question answering with positions outside the sequence, multiple choice, masked LM, and the
 * hidden_act variants gelu_new and relu.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readHeadArguments } from '../../src/cli/head-arguments.js';
import { TASK_HEADS, type HeadRunner, type TaskHeadName } from '../../src/model/heads/task-heads.js';
import { loadWeights, readConfig } from '../../src/model/bert-checkpoint.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { backward, Tensor } from '../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../helpers/assert-close.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { fixturePath, floatTensor, readFixture } from '../helpers/fixtures.js';
import { compareHeadGradients, HEAD_OUTPUT_ABS_TOLERANCE } from '../helpers/head-goldens.js';
import '../helpers/node-runtime.js';

const GOLDENS: { folder: string; head: TaskHeadName }[] = [
  { folder: 'sequence-classification', head: 'sequence-classification' },
  { folder: 'sequence-classification-regression', head: 'sequence-classification' },
  { folder: 'sequence-classification-multi-label', head: 'sequence-classification' },
  { folder: 'sequence-classification-gelu-new', head: 'sequence-classification' },
  { folder: 'sequence-classification-relu', head: 'sequence-classification' },
  { folder: 'token-classification', head: 'token-classification' },
  { folder: 'question-answering', head: 'question-answering' },
  { folder: 'multiple-choice', head: 'multiple-choice' },
  { folder: 'masked-lm', head: 'masked-lm' },
];

/** The golden's outputs: everything that is neither an argument of the head nor a gradient. */
function goldenOutputNames(folder: string, head: TaskHeadName): string[] {
  const argumentNames = new Set(TASK_HEADS[head].arguments.map((spec) => spec.name));
  const golden = readFixture('reference', 'heads', folder, 'golden.safetensors');
  return [...golden.tensors.keys()].filter((name) => !argumentNames.has(name) && !name.startsWith('grad.')).sort();
}

/** Runs the golden's inputs through the head; checks outputs, loss and gradients; returns the worst errors seen. */
function checkAgainstGolden(runner: HeadRunner, folder: string, head: TaskHeadName): { output: number; grad: string } {
  const golden = readFixture('reference', 'heads', folder, 'golden.safetensors');
  const outputs = runner.forward(readHeadArguments(golden, runner));
  assert.deepEqual(Object.keys(outputs).sort(), goldenOutputNames(folder, head), 'output names as Hugging Face');
  let worstOutput = 0;
  for (const [name, actual] of Object.entries(outputs)) {
    const expected = floatTensor(golden, name);
    assert.deepEqual([...actual.shape], [...expected.shape], `${name} shape`);
    const error = maxAbsoluteError(actual.data, expected.data);
    worstOutput = Math.max(worstOutput, error);
    assert.ok(error <= HEAD_OUTPUT_ABS_TOLERANCE, `${folder} ${name}: max abs error ${error.toExponential(2)} > ${HEAD_OUTPUT_ABS_TOLERANCE}`);
  }
  backward(outputs['loss']!);
  const grad = compareHeadGradients(runner.model.namedParameters(), golden, '', folder);
  return { output: worstOutput, grad };
}

for (const backendCase of backendCases()) {
  for (const { folder, head } of GOLDENS) {
    test(`${folder} matches PyTorch: outputs, loss and every gradient (${backendCase.name})`, (t) => {
      if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
      withBackend(backendCase.backend!, () => {
        const runner = TASK_HEADS[head].load(fixturePath('reference', 'heads', folder));
        assert.deepEqual(runner.model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
        const worst = checkAgainstGolden(runner, folder, head);
        t.diagnostic(`worst output error ${worst.output.toExponential(2)}; gradients: ${worst.grad}`);
      });
    });
  }

  test(`float labels without problem_type are multi-label (BCE), as Hugging Face picks (${backendCase.name})`, (t) => {
    if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
    withBackend(backendCase.backend!, () => {
      const dir = fixturePath('reference', 'heads', 'sequence-classification-multi-label');
      const config = readConfig(dir);
      delete config.extra['problem_type'];
      const model = new BertForSequenceClassification(config);
      loadWeights(model, `${dir}/model.safetensors`);
      checkAgainstGolden(TASK_HEADS['sequence-classification'].wrap(model.eval()), 'sequence-classification-multi-label', 'sequence-classification');
    });
  });
}

test('question answering: a start past the sequence is ignored, a negative one counts as position 0 (Hugging Face clamps)', () => {
  const golden = readFixture('reference', 'heads', 'question-answering', 'golden.safetensors');
  const runner = TASK_HEADS['question-answering'].load(fixturePath('reference', 'heads', 'question-answering'));
  const args = new Map(readHeadArguments(golden, runner));
  const loss = (start: number[], end: number[]): number => {
    args.set('start_positions', intTensor(start));
    args.set('end_positions', intTensor(end));
    return runner.forward(args)['loss']!.item();
  };
  assert.deepEqual([...args.get('start_positions')!.data], [3, 15, -2]);
  assert.ok(Math.abs(loss([3, 15, -2], [5, 6, 12]) - floatTensor(golden, 'loss').item()) <= HEAD_OUTPUT_ABS_TOLERANCE);
  assert.equal(loss([3, 15, -2], [5, 6, 12]), loss([3, 10, 0], [5, 6, 10]), 'positions are clamped to [0, seq]');
  assert.notEqual(loss([3, 15, -2], [5, 6, 12]), loss([3, 15, 1], [5, 6, 12]), 'position 0 is a real target');
});

function intTensor(values: number[]): Tensor {
  return Tensor.fromArray(values, [values.length], 'int32');
}
