/**
 * Token classification (BERT §5.3, CoNLL-2003 NER; part-of-speech tagging): a tag per word from the first
 * sub-token's logits (BertForTokenClassification), as run_ner.py trains and scores it — seqeval's entity-level
 * precision/recall/F1 plus token accuracy over words; tag sets without chunks (part of speech) by word accuracy.
 */
import { seqevalJson, seqevalMetrics, type EntityScores } from '../../metrics/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { writeConllPredictions } from '../conll.js';
import type { TokenClassificationExample } from '../examples.js';
import { featureOf, type Feature } from '../features.js';
import { LabelMap } from '../label-map.js';
import { argmax, writeJsonLines } from '../prediction-files.js';
import type { FeatureContext, FeatureOutputs, FinetuneTaskDefinition } from '../task-definition.js';
import { readTokenClassificationFile, tagIds, tagsFromTrain } from '../token-classification-data.js';
import { alignTagsToTokens, IGNORE_INDEX, insideTagIds, wordTagsFromTokens } from '../token-labels.js';

export interface TokenClassificationFeature extends Feature {
  /** Per token, the word it belongs to (-1: special token). */
  wordIds: Int32Array;
  /** Per token, the tag id to learn or IGNORE_INDEX; absent for untagged input. */
  labels?: Int32Array;
}

function tagMap(context: FeatureContext): LabelMap {
  return new LabelMap(context.scheme!.labels, context.scheme!.source ?? 'the training data', 'tag');
}

/** One predicted tag per word of each example. */
function predictedTags(examples: readonly TokenClassificationExample[], features: readonly TokenClassificationFeature[], outputs: readonly FeatureOutputs[], context: FeatureContext): string[][] {
  const tags = context.scheme!.labels;
  return examples.map((example, i) => {
    const logits = outputs[i]!['logits']!; // [length, tags]
    const feature = features[i]!;
    const predictions = Int32Array.from({ length: feature.length }, (_, t) => argmax(logits.subarray(t * tags.length, (t + 1) * tags.length)));
    return wordTagsFromTokens(feature.wordIds, predictions, example.tokens.length, tags);
  });
}

export const tokenClassificationTask: FinetuneTaskDefinition<TokenClassificationExample, TokenClassificationFeature> = {
  name: 'token-classification',
  head: 'token-classification',
  tokenLevel: true,
  encodesWords: true,
  defaultMaxSeqLength: 128,

  read: (path, options, labelled) => readTokenClassificationFile(path, {
    tagged: labelled, ...(options.tagColumn === undefined ? {} : { tagColumn: options.tagColumn }),
  }),

  labelScheme: (train, source) => ({ labels: tagsFromTrain(train, source).names, source }),

  checkLabels(examples, scheme) {
    const tags = new LabelMap(scheme.labels, scheme.source ?? 'the training data', 'tag');
    for (const example of examples) tagIds(example, tags);
  },

  bestMetric: (scheme) => (scheme === undefined || isChunkScheme(scheme.labels)
    ? { metric: 'overall_f1', greaterIsBetter: true } : { metric: 'accuracy', greaterIsBetter: true }),

  features(examples, context) {
    const { tokenizer, preprocessing } = context;
    const tags = tagMap(context);
    const inside = preprocessing.labelAllTokens === true ? insideTagIds(tags.names) : undefined;
    const features = examples.map((example) => {
      const encoding = tokenizer.encodeWords(example.tokens, undefined, { maxLength: preprocessing.maxSeqLength, truncation: true });
      const wordIds = encoding.wordIds.slice();
      const extra: { wordIds: Int32Array; labels?: Int32Array } = { wordIds };
      if (example.tags.length > 0) {
        extra.labels = alignTagsToTokens(wordIds, tagIds(example, tags), { labelAllTokens: inside !== undefined, ...(inside === undefined ? {} : { insideTags: inside }) });
      }
      return featureOf([{ ids: encoding.ids.slice(), typeIds: encoding.typeIds.slice() }], extra);
    });
    return { features, skipped: {} };
  },

  targets(features, seqLength) {
    if (features.some((f) => f.labels === undefined)) return undefined;
    const labels = new Int32Array(features.length * seqLength).fill(IGNORE_INDEX); // padding takes no loss
    features.forEach((f, i) => labels.set(f.labels!, i * seqLength));
    return new Map([['labels', new Tensor(labels, [features.length, seqLength])]]);
  },

  metrics(examples, features, outputs, context) {
    const predicted = predictedTags(examples, features, outputs, context);
    if (isChunkScheme(context.scheme!.labels)) return flatten(seqevalJson(seqevalMetrics(predicted, examples.map((e) => e.tags))));
    // Tags without chunks (part of speech: `nn`, `vb`): entities mean nothing; the word accuracy is what is reported.
    let correct = 0;
    let words = 0;
    examples.forEach((e, i) => e.tags.forEach((tag, w) => {
      words++;
      if (predicted[i]![w] === tag) correct++;
    }));
    return { accuracy: correct / Math.max(words, 1) };
  },

  async writePredictions(output, files, examples, features, outputs, context) {
    const predicted = predictedTags(examples, features, outputs, context);
    if (files.input.toLowerCase().endsWith('.jsonl')) writeJsonLines(output, examples.map((e, i) => ({ tokens: e.tokens, tags: predicted[i] })));
    else await writeConllPredictions(files.input, output, predicted);
  },
};

/** Chunk tags (IOB1/IOB2/IOE/IOBES: `O`, `B-PER`, `I-LOC`, ...) are scored by entity; other tag sets by word. */
export function isChunkScheme(tags: readonly string[]): boolean {
  return tags.every((tag) => tag === 'O' || /^[BIES]-./.test(tag));
}

/**
 * seqeval's per-type entries as `TYPE_precision` etc. (metrics.jsonl holds numbers only; run_ner.py flattens them
 * the same way with --return_entity_level_metrics); the overall ones as they are.
 */
function flatten(json: Record<string, number | EntityScores>): Record<string, number> {
  const flat: Record<string, number> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'number') flat[key] = value;
    else for (const [name, v] of Object.entries(value)) flat[`${key}_${name}`] = v as number;
  }
  return flat;
}
