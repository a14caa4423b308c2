// Frozen features for linear_probe.py: a model folder's encoder (or, with --random, the same config at random
// initialisation, seed 42) run over a showcase run's data (showcase/prepare-data.mjs): per spam message the [CLS] row
// and the mean of the token rows (messages cut at 512 tokens), per Brown word its first sub-token's row (sentences
// under 60 words). Writes OUT/spam-{train,test}.json (train: the first 2,000 messages) and OUT/pos-{train,test}.json.
//   npm run build && node reference/probe_features.mjs MODEL_DIR DATA_DIR OUT [--random]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConllFile } from '../dist/src/finetune/conll.js';
import { AutoTokenizer, BertForSequenceClassification, FeatureExtractionPipeline, setWarningSink } from '../dist/src/index.js';

const [modelDir, dataDir, out] = process.argv.slice(2);
if (out === undefined) throw new Error('usage: probe_features.mjs MODEL_DIR DATA_DIR OUT [--random]');
// The classifier head is new (its weights are not used) and long messages are cut at 512 tokens, by design.
setWarningSink(() => {});
const tokenizer = AutoTokenizer.fromPretrained(modelDir);
let model = BertForSequenceClassification.fromPretrained(modelDir, { seed: 42 });
if (process.argv.includes('--random')) model = BertForSequenceClassification.create(model.config, { seed: 42 });
const features = new FeatureExtractionPipeline(model.encoderModel(), tokenizer);
mkdirSync(out, { recursive: true });

for (const split of ['train', 'test']) {
  const messages = readFileSync(join(dataDir, `spam-${split}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const kept = split === 'train' ? messages.slice(0, 2000) : messages;
  const texts = kept.map((m) => m.text);
  const cls = features.run(texts, { pooling: 'cls' }), mean = features.run(texts, { pooling: 'mean' });
  writeFileSync(join(out, `spam-${split}.json`), JSON.stringify({ labels: kept.map((m) => m.label), hidden: cls.dims[1], cls: Array.from(cls.data), mean: Array.from(mean.data) }));

  // Sentences under 60 words, read as `finetune` reads them; a word's vector is its first sub-token's, as the
  // token-classification head labels it (encodeWords' word ids).
  const { examples } = await readConllFile(join(dataDir, `pos-${split}.conll`));
  const sentences = examples.filter((e) => e.tokens.length < 60);
  const hidden = features.run(sentences.map((s) => s.tokens.join(' ')), { pooling: 'none' });
  const [, longest, width] = hidden.dims;
  const rows = [], tags = [], lowered = [];
  sentences.forEach((sentence, i) => {
    const wordIds = tokenizer.encodeWords(sentence.tokens).wordIds;
    sentence.tokens.forEach((word, w) => {
      const position = wordIds.indexOf(w);
      if (position < 0) throw new Error(`pos-${split}.conll: "${word}" has no token`);
      rows.push(...hidden.data.subarray((i * longest + position) * width, (i * longest + position + 1) * width));
      tags.push(sentence.tags[w].replace(/^B-/, ''));
      lowered.push(word.toLowerCase());
    });
  });
  writeFileSync(join(out, `pos-${split}.json`), JSON.stringify({ tags, words: lowered, hidden: width, features: rows }));
  console.log(`${split}: ${kept.length} messages, ${tags.length} words`);
}
