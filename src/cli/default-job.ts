/**
 * `npm start`: the paper's recipe at laptop scale. Builds the default corpus (Brown + nlp-corpus) and its
 * instances once (cached), pre-trains BERT-mini for a bounded time, then shows fill-mask predictions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCorpusDir, ensureDefaultCorpus } from '../data/default-corpus.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { bertConfigPreset, type BertConfig } from '../model/config.js';
import { AdamW } from '../optim/adamw.js';
import { bertParamGroups } from '../optim/param-groups.js';
import { FillMaskPipeline } from '../pipelines/fill-mask.js';
import { createPretrainingData } from '../pretrain/create-pretraining-data.js';
import type { PretrainObjective } from '../pretrain/objective.js';
import { createPretrainingModel, MODEL_TYPES_OF, type PretrainConfig, type PretrainModelType } from '../pretrain/pretraining-model.js';
import { pretrainingForward } from '../pretrain/train-step.js';
import { Tensor } from '../tensor/tensor.js';
import { trainStep } from '../train/train-step.js';
import { Arena } from '../tensor/arena.js';
import { Rng } from '../tensor/rng.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { randomPretrainBatch } from './commands/bench-model.js';

/** bert-base-uncased's vocabulary, shipped with the package (Apache-2.0). */
export const BUNDLED_VOCAB = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'assets', 'bert-base-uncased-vocab.txt');

export const DEMO_SENTENCES = [
  'the man went to the [MASK] to buy some milk .',
  'she opened the [MASK] and walked into the room .',
  'it was the best [MASK] of my life .',
  'the president of the united [MASK] spoke today .',
  'he [MASK] his hand and said nothing .',
];

export interface DefaultData {
  vocab: string;
  train: string;
  eval: string;
}

/** The default corpus as instance files (built once per settings, then reused from the cache). */
export async function ensureDefaultData(log: (message: string) => void, seed: number): Promise<DefaultData> {
  const corpus = ensureDefaultCorpus();
  const tokenizer = BertTokenizer.fromVocabFile(BUNDLED_VOCAB);
  const dir = defaultCorpusDir();
  const files = { vocab: BUNDLED_VOCAB, train: join(dir, `default-train-s128-d2-seed${seed}.tsbpt`), eval: join(dir, `default-eval-s128-seed${seed}.tsbpt`) };
  for (const [input, output, dupeFactor] of [[corpus.train, files.train, 2], [corpus.eval, files.eval, 1]] as const) {
    if (existsSync(output)) continue;
    log(`creating pre-training instances from ${input} → ${output}`);
    const stats = await createPretrainingData({ inputs: [input], output, tokenizer, dupeFactor, seed });
    log(`  ${stats.instances} instances, ${stats.tokens} tokens, masked ${(100 * stats.maskedFraction).toFixed(2)}%, random next ${(100 * stats.randomNextShare).toFixed(1)}%`);
  }
  return files;
}

/**
 * Steps that fit in the time budget: times three pre-training steps of a throwaway model of the same size and
 * objective (after two warm-ups: the first steps pay page faults), so the schedule's decay ends when the time does.
 */
export function stepsForMinutes(config: PretrainConfig, batchSize: number, seq: number, minutes: number,
  objective: PretrainObjective = 'bert', modelType: PretrainModelType = MODEL_TYPES_OF[objective][0]!): number {
  const objectiveModel = createPretrainingModel(objective, modelType, config, 1);
  const model = objectiveModel.model.train();
  const optimizer = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-4 });
  const random = randomPretrainBatch(config, batchSize, seq, new Rng(1));
  // One token type (RoBERTa): all zeros.
  const batch = config.typeVocabSize > 1 ? random : { ...random, tokenTypeIds: new Tensor(new Int32Array(random.inputIds.size), random.inputIds.shape) };
  const arena = new Arena();
  const step = (): void => void trainStep(model, optimizer, [batch], (b) => pretrainingForward(objectiveModel, b, objective), arena, 1);
  for (let i = 0; i < 2; i++) step();
  const start = performance.now();
  for (let i = 0; i < 3; i++) step();
  const secondsPerStep = (performance.now() - start) / 3000;
  // Leave ~10% for evaluation and checkpoints. (With one warm-up and two timed steps a 10-minute job ended after 7.4.)
  return Math.max(10, Math.floor((minutes * 60 * 0.9) / secondsPerStep));
}

export function defaultJobConfig(vocabSize: number): BertConfig {
  return bertConfigPreset('mini', { vocabSize });
}

/** Where a default run keeps the step count it chose, so --resume keeps the same schedule. */
export const DEFAULT_JOB_FILE = 'default-job.json';

export function rememberedSteps(output: string, compute: () => number): number {
  const path = join(output, DEFAULT_JOB_FILE);
  if (existsSync(path)) {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { steps?: unknown };
    if (typeof saved.steps === 'number') return saved.steps;
  }
  const steps = compute();
  writeFileAtomic(path, `${JSON.stringify({ steps })}\n`);
  return steps;
}

export function showFillMask(dir: string, write: (line: string) => void): void {
  const pipeline = FillMaskPipeline.fromPretrained(dir);
  for (const sentence of DEMO_SENTENCES) {
    // The demo sentences hold one [MASK] each: one list of predictions.
    const predictions = pipeline.run(sentence, { top_k: 5 }).flat();
    write(`${sentence}\n    ${predictions.map((p) => `${p.token_str} (${(100 * p.score).toFixed(1)}%)`).join('  ')}`);
  }
}
