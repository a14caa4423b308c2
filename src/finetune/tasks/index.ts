/** The task definitions by command-line name. */
import type { FinetuneTaskDefinition } from '../task-definition.js';
import type { FinetuneTaskName } from '../task-names.js';
import { classificationTask } from './classification.js';
import { questionAnsweringTask } from './question-answering.js';

// Each definition is generic over its own example and feature types; the commands use them through this erased view.
export type AnyTaskDefinition = FinetuneTaskDefinition<unknown, never>;

export const FINETUNE_TASK_DEFINITIONS: Partial<Record<FinetuneTaskName, AnyTaskDefinition>> = {
  'classification': classificationTask as unknown as AnyTaskDefinition,
  'question-answering': questionAnsweringTask as unknown as AnyTaskDefinition,
};
