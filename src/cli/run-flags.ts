/**
 * The flags of the generic trainer's run (train/trainer.ts: accumulation, metrics.jsonl, checkpoints kept, resume /
 * overwrite), declared once for every training command (pretrain, finetune, distill); each command keeps its own
 * defaults where its reference differs (fine-tuning keeps fewer checkpoints, as it also keeps the best model).
 */
import type { Command } from 'commander';

/** --precision for the trainers that run mixed precision (pretrain, finetune): ops/autocast.ts. */
export function addPrecisionFlag(command: Command): Command {
  return command.option('--precision <p>', 'fp32, or bf16: Linear products on bfloat16 operands, float32 master weights (docs/quantization.md)', 'fp32');
}

export function addRunFlags(command: Command, defaults: { keepLast: number }): Command {
  return command
    .option('--grad-accum <n>', 'micro-batches per optimizer step', '1')
    .option('--log-every <n>', 'append to metrics.jsonl every n steps', '10')
    .option('--keep-last <n>', 'keep only the newest n checkpoints (0: all)', String(defaults.keepLast))
    .option('--resume', 'continue the run in --output from its newest complete checkpoint')
    .option('--overwrite', 'delete the run in --output (checkpoints, final/, metrics) and start over');
}
