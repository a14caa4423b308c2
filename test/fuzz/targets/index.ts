/** Every fuzz target, in the order the report lists them. */
import type { TargetFactory } from '../target.js';
import { configTarget } from './config.js';
import { finetuneDataTargets } from './finetune-data.js';
import { instanceFileTarget } from './instance-file.js';
import { pytorchLegacyTarget, pytorchZipTarget } from './pytorch-bin.js';
import { safetensorsTarget } from './safetensors.js';
import { sentencePieceModelTarget } from './sentencepiece-model.js';
import { squadTarget } from './squad.js';
import { specialTokensMapTarget, tokenizerConfigTarget, tokenizerJsonTarget, vocabTarget } from './tokenizer-files.js';
import { tokenizerPipelineTarget } from './tokenizer-pipeline.js';

export const TARGETS: readonly TargetFactory[] = [
  safetensorsTarget,
  pytorchZipTarget,
  pytorchLegacyTarget,
  configTarget,
  vocabTarget,
  tokenizerJsonTarget,
  tokenizerConfigTarget,
  specialTokensMapTarget,
  tokenizerPipelineTarget,
  sentencePieceModelTarget,
  instanceFileTarget,
  squadTarget,
  ...finetuneDataTargets,
];
