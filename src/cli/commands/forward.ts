import type { Command } from 'commander';
import { CheckpointError, ConfigError, DataError } from '../../errors.js';
import { checkInput, checkOutputFile } from '../../io/checked-file.js';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from '../../io/safetensors.js';
import { isTaskHeadName, TASK_HEAD_NAMES, TASK_HEADS, type HeadOutputs } from '../../model/heads/task-heads.js';
import { backward, noGrad, type Tensor } from '../../tensor/tensor.js';
import { readHeadArguments } from '../head-arguments.js';

interface ForwardFlags {
  model: string;
  input: string;
  output: string;
  grads?: boolean;
  /** One of TASK_HEAD_NAMES; pretraining when omitted. */
  head?: string;
}

function f32(tensor: Tensor): SafetensorsTensor {
  return { dtype: 'F32', shape: [...tensor.shape], data: Float32Array.from(tensor.data) };
}

/**
 * The numbers of a Hugging Face folder on given inputs, for checking tsbert against another framework: the head's
 * class of the folder's family (BertForTokenClassification, RobertaForTokenClassification, ...), its outputs in eval
 * mode under Hugging Face's output names, its loss when the file carries the labels, and every parameter's gradient
 * with --grads. Inputs are read under Hugging Face's forward() argument names.
 */
export function runForward(flags: ForwardFlags): void {
  const headName = flags.head ?? 'pretraining';
  if (!isTaskHeadName(headName)) throw new ConfigError(`--head must be one of ${TASK_HEAD_NAMES.join(', ')}, got "${headName}"`);
  const head = TASK_HEADS[headName];
  checkInput(flags.model, { label: '--model', error: CheckpointError }, 'directory');
  checkInput(flags.input, { label: '--input' });
  checkOutputFile(flags.output, { label: '--output' });
  const file = readSafetensors(flags.input);
  const runner = head.load(flags.model);
  const args = readHeadArguments(file, runner);
  const missing = runner.lossArguments.filter((name) => !args.has(name));
  if (flags.grads && missing.length > 0) {
    throw new DataError(`${flags.input}: --grads needs ${missing.map((n) => `"${n}"`).join(' and ')} to define the ${head.name} loss`);
  }
  const run = (): HeadOutputs => runner.forward(args);
  const outputs = flags.grads ? run() : noGrad(run);
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, tensor] of Object.entries(outputs)) tensors[name] = f32(tensor);
  if (flags.grads) {
    backward(outputs['loss']!);
    for (const [name, param] of runner.model.namedParameters()) {
      tensors[`grad.${name}`] = { dtype: 'F32', shape: [...param.shape], data: Float32Array.from(param.grad ?? new Float32Array(param.size)) };
    }
  }
  writeSafetensors(flags.output, tensors, { generator: 'tsbert forward' });
}

export function registerForward(program: Command): void {
  program
    .command('forward')
    .description('run a head (BERT, RoBERTa, DistilBERT, ALBERT) from a Hugging Face folder on inputs from a safetensors file; write its outputs (and gradients)')
    .requiredOption('--model <dir>', 'Hugging Face model folder (config.json + model.safetensors)')
    .requiredOption('--input <file>', 'safetensors with Hugging Face\'s argument names: input_ids [batch, seq] ([batch, choices, seq] for multiple-choice), token_type_ids, attention_mask; labels, next_sentence_label (sentence_order_label for ALBERT), start_positions, end_positions as the head takes them')
    .requiredOption('--output <file>', 'safetensors to write under Hugging Face\'s output names: logits (start_logits, end_logits; prediction_logits, seq_relationship_logits or sop_logits), loss')
    .option('--head <name>', `the model class: ${TASK_HEAD_NAMES.join(', ')}`, 'pretraining')
    .option('--grads', 'also write grad.<name> for every parameter (needs the head\'s labels)')
    .action((flags: ForwardFlags) => runForward(flags));
}
