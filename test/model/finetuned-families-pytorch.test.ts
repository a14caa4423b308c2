/**
 * Folders `tsbert finetune --model-type roberta|distilbert|albert` wrote, read by PyTorch as Hugging Face would
 * (reference/make_family_finetuned_goldens.py: tiny_roberta.py's modules loaded strictly, tiny_distilbert.py's and
 * tiny_albert.py's functions reading every weight), give tsbert's outputs and losses: the saved config (labels,
 * problem_type, special ids) and weights mean the same model on both sides.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHeadArguments } from '../../src/cli/head-arguments.js';
import { toFloat32 } from '../../src/io/safetensors.js';
import { TASK_HEADS, type TaskHeadName } from '../../src/model/heads/task-heads.js';
import { noGrad } from '../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../helpers/assert-close.js';
import { fixturePath, readFixture } from '../helpers/fixtures.js';
import { HEAD_OUTPUT_ABS_TOLERANCE } from '../helpers/head-goldens.js';
import '../helpers/node-runtime.js';

const HEAD_OF_SUFFIX: Record<string, TaskHeadName> = {
  ForSequenceClassification: 'sequence-classification',
  ForTokenClassification: 'token-classification',
  ForQuestionAnswering: 'question-answering',
  ForMultipleChoice: 'multiple-choice',
};

const folders = readdirSync(fixturePath('reference', 'finetuned-families'));
assert.ok(folders.length >= 6);

for (const name of folders) {
  test(`finetuned ${name}: tsbert's outputs and loss equal PyTorch's reading the same folder`, () => {
    const dir = fixturePath('reference', 'finetuned-families', name);
    const golden = readFixture('reference', 'finetuned-families', name, 'golden.safetensors');
    const [architecture] = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { architectures: string[] }).architectures;
    const head = Object.entries(HEAD_OF_SUFFIX).find(([suffix]) => architecture!.endsWith(suffix))?.[1];
    assert.ok(head !== undefined, architecture);
    const runner = TASK_HEADS[head].load(dir);
    assert.equal(runner.model.architecture, architecture);
    const outputs = noGrad(() => runner.forward(readHeadArguments(golden, runner)));
    const expectedNames = [...golden.tensors.keys()].filter((k) => !runner.arguments.some((a) => a.name === k)).sort();
    assert.deepEqual(Object.keys(outputs).sort(), expectedNames);
    for (const [output, tensor] of Object.entries(outputs)) {
      const expected = golden.get(output);
      assert.deepEqual([...tensor.shape], [...expected.shape], `${output} shape`);
      const error = maxAbsoluteError(tensor.floats(output), toFloat32(expected));
      assert.ok(error <= HEAD_OUTPUT_ABS_TOLERANCE, `${name} ${output}: max abs error ${error.toExponential(2)}`);
    }
  });
}
