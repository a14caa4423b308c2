/**
 * Sequence classification (BERT §4.1, GLUE): a sentence or a pair → a class, a score (regression, STS-B) or a set
 * of classes (multi-label), through BertForSequenceClassification on the pooled [CLS].
 */
import { DataError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { readFileSync } from 'node:fs';
import type { ClassificationExample } from '../examples.js';
import { encodedSequence, featureOf, type Feature } from '../features.js';
import { argmax, sigmoid, softmax, writeJsonLines } from '../prediction-files.js';
import type { FinetuneTaskDefinition, LabelScheme } from '../task-definition.js';

// TEMPORARY until the readers and metrics branches land.
function readClassificationFile(path: string, _options: unknown): { examples: ClassificationExample[]; skipped: Record<string, number> } {
  const examples = readFileSync(path, 'utf8').split('\n').map((line, i) => [line, i] as const).filter(([line]) => line.trim() !== '')
    .map(([line, i]) => { const o = JSON.parse(line) as { text: string; text_pair?: string; label: string }; return { source: `${path}:${i + 1}`, text: o.text, ...(o.text_pair === undefined ? {} : { textPair: o.text_pair }), label: o.label }; });
  return { examples, skipped: {} };
}
function classificationMetrics(_scheme: LabelScheme, targets: readonly (number | Float32Array)[], logits: readonly Float32Array[]): Record<string, number> {
  let correct = 0;
  logits.forEach((l, i) => { let best = 0; for (let j = 1; j < l.length; j++) if (l[j]! > l[best]!) best = j; if (best === targets[i]) correct++; });
  return { accuracy: correct / Math.max(1, logits.length) };
}

export interface ClassificationFeature extends Feature {
  /** Class id; the score for regression; a 0/1 vector for multi-label; undefined: unlabelled (prediction). */
  target?: number | Float32Array;
}

type Problem = NonNullable<LabelScheme['problemType']>;

function problemOf(examples: readonly ClassificationExample[], source: string): Problem {
  if (examples.length === 0) throw new DataError(`${source}: no examples`);
  const kinds = new Set(examples.map((e) => (typeof e.label === 'number' ? 'regression' : Array.isArray(e.label) ? 'multi_label_classification' : 'single_label_classification')));
  if (kinds.size > 1) {
    throw new DataError(`${source}: labels mix ${[...kinds].join(' and ')} (numbers: regression; lists: multi-label; names: classes)`);
  }
  return [...kinds][0] as Problem;
}

export const classificationTask: FinetuneTaskDefinition<ClassificationExample, ClassificationFeature> = {
  name: 'classification',
  head: 'sequence-classification',
  tokenLevel: false,
  defaultMaxSeqLength: 128,

  read: (path, options) => readClassificationFile(path, options),

  labelScheme(train, source) {
    const problemType = problemOf(train, source);
    if (problemType === 'regression') return { labels: ['LABEL_0'], problemType };
    const names = new Set<string>();
    for (const e of train) for (const label of Array.isArray(e.label) ? e.label : [e.label as string]) names.add(label);
    // Sorted, as run_glue.py sorts the label list, so ids do not depend on the order of the file.
    return { labels: [...names].sort(), problemType };
  },

  checkLabels(examples, scheme) {
    const known = new Set(scheme.labels);
    for (const e of examples) {
      const labels = typeof e.label === 'number' ? [] : Array.isArray(e.label) ? e.label : [e.label as string];
      if ((typeof e.label === 'number') !== (scheme.problemType === 'regression')) {
        throw new DataError(`${e.source}: label ${JSON.stringify(e.label)} does not fit the training labels (${scheme.problemType})`);
      }
      for (const label of labels) {
        if (!known.has(label)) {
          throw new DataError(`${e.source}: label ${JSON.stringify(label)} never appears in the training data (labels: ${scheme.labels.join(', ')})`);
        }
      }
    }
  },

  bestMetric: (scheme) => (scheme?.problemType === 'regression'
    ? { metric: 'pearson', greaterIsBetter: true }
    : scheme?.problemType === 'multi_label_classification' ? { metric: 'micro_f1', greaterIsBetter: true } : { metric: 'accuracy', greaterIsBetter: true }),

  features(examples, { tokenizer, scheme, preprocessing }) {
    const index = new Map(scheme!.labels.map((label, id) => [label, id]));
    const features = examples.map((e) => {
      const encoding = tokenizer.encode(e.text, e.textPair, { maxLength: preprocessing.maxSeqLength, truncation: true });
      let target: ClassificationFeature['target'];
      if (typeof e.label === 'number') target = e.label;
      else if (Array.isArray(e.label)) {
        target = new Float32Array(scheme!.labels.length);
        for (const label of e.label) target[index.get(label)!] = 1;
      } else target = index.get(e.label as string);
      return featureOf([encodedSequence(encoding)], target === undefined ? {} : { target });
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
    return classificationMetrics(scheme!, features.map((f) => f.target!), outputs.map((o) => o['logits']!));
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
