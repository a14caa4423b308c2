/**
 * Extractive question answering (BERT §4.2–4.3, SQuAD v1.1 / v2.0): start and end logits over the context tokens of
 * each window (run_qa.py's features), answers recovered by utils_qa.py's post-processing, scored by the official
 * SQuAD evaluation (v2.0 with the null odds as its no-answer probabilities).
 */
import { writeJsonAtomic } from '../../io/model-folder.js';
import { squadV1, squadV2 } from '../../metrics/index.js';
import { Tensor } from '../../tensor/tensor.js';
import type { SquadExample } from '../examples.js';
import type { Preprocessing } from '../preprocessing.js';
import { prepareQaFeatures, prepareQaTrainFeatures, QA_FEATURE_DEFAULTS, type QaFeature, type QaFeatureOptions } from '../squad/squad-features.js';
import { postprocessQaPredictions, type QaPredictions } from '../squad/squad-postprocess.js';
import { readSquadFile } from '../squad/squad-reader.js';
import type { FeatureContext, FeatureOutputs, FinetuneTaskDefinition } from '../task-definition.js';

/** A window; training windows carry the answer's first and last token (or [CLS] for both). */
export type QaTaskFeature = QaFeature & { startPosition?: number; endPosition?: number };

function featureOptions(p: Preprocessing): QaFeatureOptions {
  return {
    maxSeqLength: p.maxSeqLength,
    docStride: p.docStride ?? QA_FEATURE_DEFAULTS.docStride,
    maxQueryLength: p.maxQueryLength ?? QA_FEATURE_DEFAULTS.maxQueryLength,
  };
}

/** The answers of every example from its windows' logits, with the preprocessing's post-processing settings. */
function answers(examples: readonly SquadExample[], features: readonly QaTaskFeature[], outputs: readonly FeatureOutputs[], context: FeatureContext): QaPredictions {
  const p = context.preprocessing;
  return postprocessQaPredictions(examples, features, outputs.map((o) => o['start_logits']!), outputs.map((o) => o['end_logits']!), {
    nBest: p.nBest ?? 20,
    maxAnswerLength: p.maxAnswerLength ?? 30,
    version2: p.squadV2 === true || examples.some((e) => e.isImpossible),
    nullScoreDiffThreshold: p.nullScoreDiffThreshold ?? 0,
  });
}

export const questionAnsweringTask: FinetuneTaskDefinition<SquadExample, QaTaskFeature> = {
  name: 'question-answering',
  head: 'question-answering',
  tokenLevel: true,
  defaultMaxSeqLength: QA_FEATURE_DEFAULTS.maxSeqLength,

  read: async (path) => readSquadFile(path),

  labelScheme: () => undefined,

  bestMetric: () => ({ metric: 'f1', greaterIsBetter: true }),

  features(examples, { tokenizer, preprocessing, training }) {
    const options = featureOptions(preprocessing);
    const features: QaTaskFeature[] = training ? prepareQaTrainFeatures(tokenizer, examples, options) : prepareQaFeatures(tokenizer, examples, options);
    return { features, skipped: {} };
  },

  adjustPreprocessing: (train, p) => ({ ...p, squadV2: train.some((e) => e.isImpossible) }),

  targets(features) {
    if (features.some((f) => f.startPosition === undefined)) return undefined;
    const positions = (pick: (f: QaTaskFeature) => number): Tensor => Tensor.fromArray(features.map(pick), [features.length], 'int32');
    return new Map([['start_positions', positions((f) => f.startPosition!)], ['end_positions', positions((f) => f.endPosition!)]]);
  },

  metrics(examples, features, outputs, context) {
    const { predictions, nullOdds } = answers(examples, features, outputs, context);
    const references = examples.map((e) => ({ id: e.id, answers: e.answers.map((a) => a.text) }));
    const v2 = context.preprocessing.squadV2 === true || examples.some((e) => e.isImpossible);
    return { ...(v2 ? squadV2(predictions, references, { naProbs: nullOdds }) : squadV1(predictions, references)) };
  },

  writePredictions(output, files, examples, features, outputs, context) {
    const { predictions, nullOdds } = answers(examples, features, outputs, context);
    // The official prediction file: {id: answer text}, "" for no answer (SQuAD v2.0's evaluate-v2.0.py reads it).
    writeJsonAtomic(output, Object.fromEntries(predictions));
    if (files.nullOdds !== undefined) writeJsonAtomic(files.nullOdds, Object.fromEntries(nullOdds));
  },
};
