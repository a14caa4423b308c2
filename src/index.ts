/**
 * The Node entry: the core (src/core.ts) with Node's runtime installed — model folders and tokenizer files through
 * node:fs, the native backend when its addon loads (TSBERT_BACKEND), warnings through process.emitWarning — and what
 * only Node has: checkpoint files read lazily, pytorch_model.bin, pre-training.
 */
import { installNodeRuntime } from './node-runtime.js';

export * from './core.js';
export { readSafetensors, openSafetensors, writeSafetensors } from './io/safetensors.js';
export { openPytorchBin } from './io/pytorch-bin.js';
export { savePretrained, loadWeights } from './model/bert-checkpoint.js';
export { runPretraining, evaluatePretraining, type PretrainOptions, type PretrainResult } from './pretrain/trainer.js';
export { pretrainStep, type PretrainBatch } from './pretrain/train-step.js';

installNodeRuntime();
