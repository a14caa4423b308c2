/** The task definitions by command-line name. */
import type { FinetuneTaskDefinition } from '../task-definition.js';
import type { FinetuneTaskName } from '../task-names.js';
import { classificationTask } from './classification.js';
import { multipleChoiceTask } from './multiple-choice.js';
import { questionAnsweringTask } from './question-answering.js';
import { tokenClassificationTask } from './token-classification.js';

// Each definition is generic over its own example and feature types; the commands use them through this erased view.
export type AnyTaskDefinition = FinetuneTaskDefinition<unknown, never>;

export const FINETUNE_TASK_DEFINITIONS: Record<FinetuneTaskName, AnyTaskDefinition> = {
  'classification': classificationTask as unknown as AnyTaskDefinition,
  'token-classification': tokenClassificationTask as unknown as AnyTaskDefinition,
  'question-answering': questionAnsweringTask as unknown as AnyTaskDefinition,
  'multiple-choice': multipleChoiceTask as unknown as AnyTaskDefinition,
};
