/** The pipeline tasks under transformers.js's names, and the other names they are asked for by. */
import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';

export const PIPELINE_TASKS = [
  'fill-mask', 'text-classification', 'token-classification', 'question-answering', 'feature-extraction',
  'zero-shot-classification',
] as const;
export type PipelineTask = (typeof PIPELINE_TASKS)[number];

/**
 * transformers.js's TASK_ALIASES (sentiment-analysis, ner, embeddings) and tsbert's fine-tuning task names
 * (finetune/task-names.ts), so `tsbert predict --task classification` reads as `tsbert finetune --task classification`.
 */
export const PIPELINE_TASK_ALIASES = {
  'sentiment-analysis': 'text-classification',
  'classification': 'text-classification',
  'ner': 'token-classification',
  'embeddings': 'feature-extraction',
} as const satisfies Record<string, PipelineTask>;

/** The task a name or alias stands for, as a type (never for an unknown name). */
export type PipelineTaskOf<T extends string> = T extends PipelineTask ? T
  : T extends keyof typeof PIPELINE_TASK_ALIASES ? (typeof PIPELINE_TASK_ALIASES)[T] : never;

export function isPipelineTask(name: string): name is PipelineTask {
  return (PIPELINE_TASKS as readonly string[]).includes(name);
}

/** The task a name or alias stands for; anything else is a ValueError listing the names. */
export function pipelineTaskOf(name: string): PipelineTask {
  if (isPipelineTask(name)) return name;
  const aliases: Readonly<Record<string, PipelineTask>> = PIPELINE_TASK_ALIASES;
  const alias = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
  if (alias !== undefined) return alias;
  throw new ValueError(`pipeline: unknown task ${valuePreview(name)}; tasks: ${PIPELINE_TASKS.join(', ')}; aliases: ${
    Object.entries(PIPELINE_TASK_ALIASES).map(([a, t]) => `${a} (${t})`).join(', ')}`);
}
