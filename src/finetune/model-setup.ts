/**
 * The model a fine-tuning run starts from: a pre-trained folder (any family the registry knows, any head; the task's head is newly
 * initialised, as Hugging Face's `from_pretrained(dir, num_labels=…)`), or a config for random initialisation.
 * The labels, problem type and preprocessing go into its config, so the saved folder carries them.
 */
import { ConfigError } from '../errors.js';
import { readConfigJson } from '../io/model-folder.js';
import type { PretrainedConfig } from '../model/pretrained-config.js';
import { modelTypeOf } from '../model/auto.js';
import { TASK_HEADS, type HeadRunner } from '../model/heads/task-heads.js';
import { assertNotQuantized } from '../model/quantization.js';
import { modelClassFor, type ModelTask } from '../model/registry.js';
import { PREPROCESSING_KEY, preprocessingToJson, type Preprocessing } from './preprocessing.js';
import type { FinetuneTaskDefinition, LabelScheme } from './task-definition.js';

/** config with the scheme's labels (id2label / label2id), problem_type and the preprocessing recorded. */
export function configForTask<C extends PretrainedConfig>(config: C, scheme: LabelScheme | undefined, preprocessing: Preprocessing): C {
  const extra: Record<string, unknown> = { ...config.extra, [PREPROCESSING_KEY]: preprocessingToJson(preprocessing) };
  if (scheme?.problemType !== undefined) extra['problem_type'] = scheme.problemType;
  if (scheme === undefined) return { ...config, extra };
  const id2label = Object.fromEntries(scheme.labels.map((label, id) => [String(id), label]));
  const label2id = Object.fromEntries(scheme.labels.map((label, id) => [label, id]));
  return { ...config, id2label, label2id, extra };
}

export type ModelSource = { dir: string } | { config: PretrainedConfig };

export function finetuningModel(
  definition: FinetuneTaskDefinition<unknown, never>, source: ModelSource, scheme: LabelScheme | undefined,
  preprocessing: Preprocessing, seed: number,
): HeadRunner {
  const head = TASK_HEADS[definition.head];
  const task = definition.head as ModelTask;
  if ('config' in source) {
    const Model = modelClassFor(source.config.modelType, task, 'the config');
    return head.wrap(Model.create(configForTask(source.config, scheme, preprocessing), { seed }));
  }
  const { modelType, source: configPath } = modelTypeOf(source.dir);
  const Model = modelClassFor(modelType, task, configPath);
  const model = Model.fromPretrained(source.dir, { configure: (config) => configForTask(config, scheme, preprocessing), seed });
  assertNotQuantized(model, source.dir, 'finetune');
  return head.wrap(model);
}

/**
 * A fine-tuned folder for `evaluate` / `predict`: its head must be the task's (a token-classification folder given
 * `--task classification` is an error naming both), its labels and problem type come from its config.
 */
export function loadFinetuned(definition: FinetuneTaskDefinition<unknown, never>, dir: string): { runner: HeadRunner; scheme: LabelScheme | undefined } {
  const head = TASK_HEADS[definition.head];
  const { modelType, source: configPath } = modelTypeOf(dir);
  const { json } = readConfigJson(dir);
  const architectures = (json as Record<string, unknown>)['architectures'];
  const architecture = Array.isArray(architectures) && typeof architectures[0] === 'string' ? architectures[0] : undefined;
  const expected = head.architectureFor(modelType, configPath);
  if (architecture !== expected) {
    throw new ConfigError(`${configPath}: the folder holds ${architecture ?? 'no architectures entry'}, not the ${expected} that --task ${definition.name} needs`);
  }
  const model = modelClassFor(modelType, definition.head as ModelTask, configPath).fromPretrained(dir);
  const config = model.config;
  const problemType = config.extra['problem_type'];
  let scheme: LabelScheme | undefined;
  if (definition.name !== 'question-answering' && definition.name !== 'multiple-choice') {
    const labels = Object.keys(config.id2label).map(Number).sort((a, b) => a - b).map((id) => config.id2label[String(id)]!);
    scheme = typeof problemType === 'string' ? { labels, problemType: problemType as NonNullable<LabelScheme['problemType']>, source: configPath } : { labels, source: configPath };
  }
  return { runner: head.wrap(model), scheme };
}

/**
 * --max-seq-length must fit the model's positions (BERT's max_position_embeddings; RoBERTa's after padding_idx):
 * refused before any data is run, naming the flag, where run_glue.py / run_qa.py would lower it with a warning.
 */
export function checkSequenceLength(runner: HeadRunner, preprocessing: Preprocessing): void {
  const limit = runner.model.encoderModel().maxInputTokens;
  if (preprocessing.maxSeqLength > limit) {
    throw new ConfigError(`--max-seq-length ${preprocessing.maxSeqLength} is more than the ${runner.model.architecture} takes `
      + `(${limit} tokens, from its max_position_embeddings); give --max-seq-length ${limit} or less`);
  }
}
