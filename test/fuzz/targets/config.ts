/** config.json through readConfig (src/model/bert-checkpoint.ts → bertConfigFromJson in src/model/config.ts). */
import { dirname } from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { readConfig } from '../../../src/model/bert-checkpoint.js';
import { bertConfigPreset, bertConfigToJson } from '../../../src/model/config.js';
import { textDigest } from '../digest.js';
import { isObject, mutateJsonBytes, parseJson, serializeJson, setKey, strangeValue, type JsonValue } from '../mutators/json.js';
import type { Mutation } from '../mutation.js';
import type { Rng } from '../../../src/tensor/rng.js';
import { chance, pick } from '../random.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';
import { fixtureSeed, textSeed } from './seeds.js';
import '../../helpers/node-runtime.js';

const FIELDS = [
  'vocab_size', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'hidden_act', 'hidden_dropout_prob',
  'attention_probs_dropout_prob', 'max_position_embeddings', 'type_vocab_size', 'initializer_range', 'layer_norm_eps', 'pad_token_id',
  'num_labels', 'id2label', 'label2id', 'architectures', 'model_type',
];
const WORDS = [...FIELDS, 'gelu', 'gelu_new', 'relu', 'LABEL_0', 'BertForPreTraining', 'bert'];

/** A known field set to a strange value: the edits a hand-written or foreign config.json could hold. */
function editField(bytes: Uint8Array, rng: Rng): Mutation | undefined {
  let root;
  try {
    root = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (!isObject(root)) return undefined;
  const field = pick(rng, FIELDS);
  const value = field === 'id2label' && chance(rng, 0.5)
    ? pick<JsonValue>(rng, [{}, { '0': 'a', '0.5': 'b' }, { '-1': 'neg' }, { x: 'y' }, { '0': { nested: 1 } }, ['a', 'b'], { '0': 'a', '1': 'a' }])
    : strangeValue(rng, root[field] ?? null, WORDS);
  setKey(root, field, value);
  const text = serializeJson(value);
  return { bytes: new TextEncoder().encode(serializeJson(root)), description: `${field} = ${text.length > 40 ? `${text.slice(0, 37)}...` : text}` };
}

export const configTarget: TargetFactory = {
  name: 'config',
  summary: 'config.json via readConfig / bertConfigFromJson (src/model/bert-checkpoint.ts, src/model/config.ts)',
  create: () => ({
    name: 'config',
    fileName: 'config.json',
    errorClass: ConfigError,
    companions: {},
    seeds: [
      fixtureSeed('bert-tiny', 'config.json'),
      textSeed('classifier config.json', JSON.stringify(bertConfigToJson(bertConfigPreset('mini', {
        id2label: { '0': 'negative', '1': 'neutral', '2': 'positive' },
        label2id: { negative: 0, neutral: 1, positive: 2 },
        extra: { problem_type: 'single_label_classification', classifier_dropout: null },
      }), 'BertForSequenceClassification'), null, 2)),
      textSeed('num_labels config.json', JSON.stringify({ model_type: 'bert', hidden_size: 64, num_attention_heads: 4, num_labels: 3 })),
      textSeed('empty config.json', '{}'),
    ],
    mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => (chance(rng, 0.5) ? editField(bytes, rng) : mutateJsonBytes(bytes, rng, WORDS))),
    read: (path) => textDigest([readConfig(dirname(path))]),
  }),
};
