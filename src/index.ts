/**
 * The Node entry: the core (src/core.ts) with Node's runtime installed — model folders and tokenizer files through
 * node:fs, the native backend when its addon loads (TSBERT_BACKEND), warnings through process.emitWarning — and what
 * only Node has: checkpoint files read lazily, pytorch_model.bin, pre-training and fine-tuning.
 */
import { installNodeRuntime } from './node-runtime.js';

export * from './core.js';
export { readSafetensors, openSafetensors, writeSafetensors } from './io/safetensors.js';
export { openPytorchBin } from './io/pytorch-bin.js';
export { savePretrained, loadWeights } from './model/bert-checkpoint.js';
export { runPretraining, evaluatePretraining, type PretrainOptions, type PretrainResult } from './pretrain/trainer.js';
export { pretrainStep, type PretrainBatch } from './pretrain/train-step.js';
export { PRETRAIN_OBJECTIVES, type PretrainObjective } from './pretrain/objective.js';
export { createPretrainingModel, type PretrainingModel, type PretrainModelType } from './pretrain/pretraining-model.js';
export { familyPreset, pretrainingConfig } from './pretrain/pretraining-config.js';
export { PretrainingTokenizer } from './pretrain/pretraining-tokenizer.js';
export { createPretrainingData, type CreatePretrainingDataOptions, type PretrainingDataStats } from './pretrain/create-pretraining-data.js';
export { runFinetuning, evaluateFeatures, stepsPerEpoch, type FinetuneOptions, type FinetuneResult } from './finetune/finetuning-task.js';
export { finetuningModel, loadFinetuned, configForTask, type ModelSource } from './finetune/model-setup.js';
export { FINETUNE_TASK_DEFINITIONS } from './finetune/tasks/index.js';
export { classificationTask } from './finetune/tasks/classification.js';
export { tokenClassificationTask } from './finetune/tasks/token-classification.js';
export { questionAnsweringTask } from './finetune/tasks/question-answering.js';
export { multipleChoiceTask } from './finetune/tasks/multiple-choice.js';
export type { FinetuneTaskDefinition, LabelScheme, FeatureContext, FeatureOutputs } from './finetune/task-definition.js';
export { runDistillation, type DistillOptions, type DistillEval } from './distill/trainer.js';
export { studentFromTeacher, studentLayerMap, studentWeightSources } from './distill/student-init.js';
export { distillationLoss, DISTILBERT_WEIGHTS, type DistillationWeights } from './distill/distillation-loss.js';
export { loadTeacher, type MlmTeacher } from './distill/teacher.js';
export type * from './finetune/examples.js';
export { FINETUNE_TASKS, type FinetuneTaskName } from './finetune/task-names.js';

installNodeRuntime();
