/**
 * Multiple choice (BERT §4.4, SWAG): each choice paired with the context as its own sequence, one score per choice
 * from the pooled [CLS], a softmax over the choices (BertForMultipleChoice). Inputs as run_swag.py builds them: the
 * context first, the question (when there is one) and the choice second.
 */
import { multipleChoiceMetrics } from '../../metrics/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { encodedSequence, featureOf, type Feature } from '../features.js';
import { choicePairs, readMultipleChoiceFile, readMultipleChoiceInputs, type MultipleChoiceInput } from '../multiple-choice-data.js';
import { argmax, softmax, writeJsonLines } from '../prediction-files.js';
import type { FinetuneTaskDefinition } from '../task-definition.js';

export interface MultipleChoiceFeature extends Feature {
  /** The right choice; undefined: unlabelled (prediction). */
  label?: number;
}

export const multipleChoiceTask: FinetuneTaskDefinition<MultipleChoiceInput, MultipleChoiceFeature> = {
  name: 'multiple-choice',
  head: 'multiple-choice',
  tokenLevel: false,
  defaultMaxSeqLength: 128,

  read: (path, _options, labelled) => (labelled ? readMultipleChoiceFile(path) : readMultipleChoiceInputs(path)),

  labelScheme: () => undefined,

  bestMetric: () => ({ metric: 'accuracy', greaterIsBetter: true }),

  features(examples, { tokenizer, preprocessing }) {
    const features = examples.map((e) => featureOf(
      choicePairs(e).map(([first, second]) => encodedSequence(tokenizer.encode(first, second, { maxLength: preprocessing.maxSeqLength, truncation: true }))),
      e.label === undefined ? {} : { label: e.label },
    ));
    return { features, skipped: {} };
  },

  targets(features) {
    if (features.some((f) => f.label === undefined)) return undefined;
    return new Map([['labels', Tensor.fromArray(features.map((f) => f.label!), [features.length], 'int32')]]);
  },

  metrics(_examples, features, outputs) {
    return { ...multipleChoiceMetrics(outputs.map((o) => argmax(o['logits']!)), features.map((f) => f.label!)) };
  },

  writePredictions(output, _files, _examples, _features, outputs) {
    writeJsonLines(output, outputs.map((o) => {
      const scores = softmax(o['logits']!);
      const label = argmax(scores);
      return { label, score: scores[label], scores };
    }));
  },
};
