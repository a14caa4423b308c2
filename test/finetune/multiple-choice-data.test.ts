import test from 'node:test';
import assert from 'node:assert/strict';
import { choicePairs, readMultipleChoiceFile, readMultipleChoiceInputs } from '../../src/finetune/multiple-choice-data.js';
import { fixturePath } from '../helpers/fixtures.js';
import { dataFile, rejectsWithData } from './data-files.js';

const line = (o: object): string => `${JSON.stringify(o)}\n`;

test('swag-tiny: 12 examples of 4 choices; each choice paired with the context, question first (run_swag.py)', async () => {
  const train = await readMultipleChoiceFile(fixturePath('finetune', 'swag-tiny.jsonl'));
  assert.equal(train.examples.length, 12);
  assert.deepEqual(train.examples.map((e) => e.label), [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  assert.deepEqual(choicePairs(train.examples[1]!)[1], ['The runners crouch at the starting line.', 'The gun fires and they sprint down the track.']);
  const dev = await readMultipleChoiceFile(fixturePath('finetune', 'swag-tiny-dev.jsonl'), { choiceCount: 4 });
  assert.equal(dev.examples.length, 6);
  const noQuestion = await readMultipleChoiceFile(dataFile('noq.jsonl', line({ context: 'c', choices: ['x', 'y'], label: 1 })));
  assert.deepEqual(choicePairs(noQuestion.examples[0]!), [['c', 'x'], ['c', 'y']]);
});

test('multiple-choice errors name file, line and field', async () => {
  const range = dataFile('range.jsonl', line({ context: 'c', choices: ['a', 'b'], label: 2 }));
  await rejectsWithData(() => readMultipleChoiceFile(range), `${range}:1: "label": expected a choice index from 0 to 1, got 2`);
  const fraction = dataFile('fraction.jsonl', line({ context: 'c', choices: ['a', 'b'], label: 0.5 }));
  await rejectsWithData(() => readMultipleChoiceFile(fraction), `${fraction}:1: "label": expected a choice index from 0 to 1, got 0.5`);
  const one = dataFile('one.jsonl', line({ context: 'c', choices: ['a'], label: 0 }));
  await rejectsWithData(() => readMultipleChoiceFile(one), `${one}:1: "choices": 1 choice; a question needs at least 2`);
  const uneven = dataFile('uneven.jsonl', line({ context: 'c', choices: ['a', 'b', 'c'], label: 0 }) + '\n' + line({ context: 'd', choices: ['a', 'b'], label: 0 }));
  await rejectsWithData(() => readMultipleChoiceFile(uneven), `${uneven}:3: "choices": 2 choices, but line 1 has 3; every example needs the same number (the model scores them as one [batch, choices] block)`);
  const dev = dataFile('dev.jsonl', line({ context: 'c', choices: ['a', 'b'], label: 0 }));
  await rejectsWithData(() => readMultipleChoiceFile(dev, { choiceCount: 4 }), `${dev}:1: "choices": 2 choices, but the training data has 4; every example needs the same number (the model scores them as one [batch, choices] block)`);
  const missing = dataFile('nolabel.jsonl', line({ context: 'c', choices: ['a', 'b'] }));
  await rejectsWithData(() => readMultipleChoiceFile(missing), `${missing}:1: "label": missing (expected a choice index from 0 to 1)`);
  assert.equal((await readMultipleChoiceInputs(missing)).examples[0]!.label, undefined);
  const noContext = dataFile('noctx.jsonl', line({ choices: ['a', 'b'], label: 0 }));
  await rejectsWithData(() => readMultipleChoiceFile(noContext), `${noContext}:1: "context": missing (expected a string)`);
});
