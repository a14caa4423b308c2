/**
 * Sequence classification (BERT §4.1, GLUE): a sentence or a pair → a class, a score (regression, STS-B) or a set
 * of classes (multi-label), through BertForSequenceClassification on the pooled [CLS].
 */
import { ClassificationLabels, readClassificationFile, readClassificationInputs, type ClassificationInput } from '../classification-data.js';
import { Tensor } from '../../tensor/tensor.js';
import type { ClassificationExample } from '../examples.js';
import { encodedSequence, featureOf, type Feature } from '../features.js';
import { argmax, sigmoid, softmax, writeJsonLines } from '../prediction-files.js';
import type { FinetuneTaskDefinition, LabelScheme } from '../task-definition.js';
import { classificationMetrics, multiLabelMetrics, regressionMetrics } from '../../metrics/index.js';

export interface ClassificationFeature extends Feature {
  /** Class id; the score for regression; a 0/1 vector for multi-label; undefined: unlabelled (prediction). */
  target?: number | Float32Array;
}

/** The reader's label logic over a scheme (from the training file, or from a fine-tuned model's config). */
function labelsOf(scheme: LabelScheme): ClassificationLabels {
  return ClassificationLabels.fromModel(scheme.problemType ?? 'single_label_classification', scheme.labels, scheme.source ?? 'the training data');
}

export const classificationTask: FinetuneTaskDefinition<ClassificationInput, ClassificationFeature> = {
  name: 'classification',
  head: 'sequence-classification',
  tokenLevel: false,
  defaultMaxSeqLength: 128,

  read: (path, options, labelled) => (labelled ? readClassificationFile(path, options) : readClassificationInputs(path, options)),

  labelScheme(train, source) {
    const labels = ClassificationLabels.fromTrain(train as ClassificationExample[], source);
    return { labels: labels.classes?.names ?? ['LABEL_0'], problemType: labels.problemType, source };
  },

  checkLabels(examples, scheme) {
    const labels = labelsOf(scheme);
    for (const example of examples) labels.target(example as ClassificationExample);
  },

  bestMetric: (scheme) => (scheme?.problemType === 'regression'
    ? { metric: 'pearson', greaterIsBetter: true }
    : scheme?.problemType === 'multi_label_classification' ? { metric: 'micro_f1', greaterIsBetter: true } : { metric: 'accuracy', greaterIsBetter: true }),

  features(examples, { tokenizer, scheme, preprocessing }) {
    const labels = labelsOf(scheme!);
    const features = examples.map((e) => {
      const encoding = tokenizer.encode(e.text, e.textPair, { maxLength: preprocessing.maxSeqLength, truncation: true });
      return featureOf([encodedSequence(encoding)], e.label === undefined ? {} : { target: labels.target(e as ClassificationExample) });
    });
    return { features, skipped: {} };
  },

  targets(features, _seqLength, scheme) {
    if (features.some((f) => f.target === undefined)) return undefined;
    if (scheme?.problemType === 'single_label_classification') return new Map([['labels', Tensor.fromArray(features.map((f) => f.target as number), [features.length], 'int32')]]);
    if (scheme?.problemType === 'regression') return new Map([['labels', Tensor.fromArray(features.map((f) => f.target as number), [features.length])]]);
    const classes = scheme!.labels.length;
    const data = new Float32Array(features.length * classes);
    features.forEach((f, i) => data.set(f.target as Float32Array, i * classes));
    return new Map([['labels', new Tensor(data, [features.length, classes])]]);
  },

  metrics(_examples, features, outputs, { scheme }) {
    const logits = outputs.map((o) => o['logits']!);
    const classes = scheme!.labels.length;
    switch (scheme!.problemType) {
      case 'regression':
        return { ...regressionMetrics(logits.map((l) => l[0]!), features.map((f) => f.target as number)) };
      case 'multi_label_classification':
        // A label is predicted when its sigmoid exceeds 0.5, i.e. its logit is positive.
        return { ...multiLabelMetrics(logits.map((l) => Array.from(l, (x) => (x > 0 ? 1 : 0))), features.map((f) => Array.from(f.target as Float32Array)), classes) };
      default:
        return { ...classificationMetrics(logits.map(argmax), features.map((f) => f.target as number), classes) };
    }
  },

  writePredictions(output, _files, _examples, _features, outputs, { scheme }) {
    writeJsonLines(output, outputs.map((o) => classify(o['logits']!, scheme!)));
  },
};

/**
 * The text-classification pipeline's answer for one input (transformers.js / Hugging Face shapes): the top class
 * by softmax; for regression the score itself; for multi-label every label by sigmoid, best first.
 */
export function classify(logits: Float32Array, scheme: LabelScheme): Array<{ label: string; score: number }> {
  if (scheme.problemType === 'regression') return [{ label: scheme.labels[0]!, score: logits[0]! }];
  if (scheme.problemType === 'multi_label_classification') {
    return Array.from(logits, (logit, i) => ({ label: scheme.labels[i]!, score: sigmoid(logit) })).sort((a, b) => b.score - a.score);
  }
  const probs = softmax(logits);
  const best = argmax(probs);
  return [{ label: scheme.labels[best]!, score: probs[best]! }];
}
