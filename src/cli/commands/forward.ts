import type { Command } from 'commander';
import { CheckpointError, DataError } from '../../errors.js';
import { checkInput, checkOutputFile } from '../../io/checked-file.js';
import { readSafetensors, toInt32, writeSafetensors, type SafetensorsFile, type SafetensorsTensor } from '../../io/safetensors.js';
import { BertForPreTraining, type PreTrainingInputs } from '../../model/heads/pretraining.js';
import { backward, noGrad, Tensor } from '../../tensor/tensor.js';

interface ForwardFlags {
  model: string;
  input: string;
  output: string;
  grads?: boolean;
}

function intInput(file: SafetensorsFile, name: string, rank: number): Tensor | undefined {
  const entry = file.tensors.get(name);
  if (entry === undefined) return undefined;
  if (entry.shape.length !== rank) throw new DataError(`${file.file}: "${name}" must have ${rank} dimensions, got [${entry.shape.join(', ')}]`);
  if (entry.dtype !== 'I64' && entry.dtype !== 'I32') throw new DataError(`${file.file}: "${name}" must be I64 or I32, got ${entry.dtype}`);
  return new Tensor(Int32Array.from(toInt32(entry, `${file.file}: "${name}"`)), entry.shape);
}

function f32(tensor: Tensor): SafetensorsTensor {
  return { dtype: 'F32', shape: [...tensor.shape], data: Float32Array.from(tensor.data) };
}

/**
 * The numbers of a Hugging Face BERT folder on given inputs, for checking tsbert against another framework:
 * BertForPreTraining's outputs in eval mode, the MLM + NSP loss when labels are given, every gradient with --grads.
 */
export function runForward(flags: ForwardFlags): void {
  checkInput(flags.model, { label: '--model', error: CheckpointError }, 'directory');
  checkInput(flags.input, { label: '--input' });
  checkOutputFile(flags.output, { label: '--output' });
  const file = readSafetensors(flags.input);
  const inputIds = intInput(file, 'input_ids', 2);
  if (inputIds === undefined) throw new DataError(`${flags.input}: no "input_ids" tensor`);
  const inputs: PreTrainingInputs = { inputIds };
  const tokenTypeIds = intInput(file, 'token_type_ids', 2);
  const attentionMask = intInput(file, 'attention_mask', 2);
  const labels = intInput(file, 'labels', 2);
  const nextSentenceLabel = intInput(file, 'next_sentence_label', 1);
  if (tokenTypeIds !== undefined) inputs.tokenTypeIds = tokenTypeIds;
  if (attentionMask !== undefined) inputs.attentionMask = attentionMask;
  if (labels !== undefined) inputs.labels = labels;
  if (nextSentenceLabel !== undefined) inputs.nextSentenceLabel = nextSentenceLabel;
  if (flags.grads && (labels === undefined || nextSentenceLabel === undefined)) {
    throw new DataError(`${flags.input}: --grads needs "labels" and "next_sentence_label" to define the loss`);
  }
  const model = BertForPreTraining.fromPretrained(flags.model).eval();
  const run = (): ReturnType<BertForPreTraining['forward']> => model.forward(inputs);
  const out = flags.grads ? run() : noGrad(run);
  const tensors: Record<string, SafetensorsTensor> = {
    last_hidden_state: f32(out.lastHiddenState),
    pooler_output: f32(out.poolerOutput),
    prediction_logits: f32(out.predictionLogits),
    seq_relationship_logits: f32(out.seqRelationshipLogits),
  };
  if (out.loss !== undefined) tensors['loss'] = f32(out.loss);
  if (out.mlmLoss !== undefined) tensors['mlm_loss'] = f32(out.mlmLoss);
  if (out.nspLoss !== undefined) tensors['nsp_loss'] = f32(out.nspLoss);
  if (flags.grads) {
    backward(out.loss!);
    for (const [name, param] of model.namedParameters()) {
      tensors[`grad.${name}`] = { dtype: 'F32', shape: [...param.shape], data: Float32Array.from(param.grad ?? new Float32Array(param.size)) };
    }
  }
  writeSafetensors(flags.output, tensors, { generator: 'tsbert forward' });
}

export function registerForward(program: Command): void {
  program
    .command('forward')
    .description('run BertForPreTraining from a Hugging Face folder on inputs from a safetensors file; write outputs (and gradients)')
    .requiredOption('--model <dir>', 'Hugging Face model folder (config.json + model.safetensors)')
    .requiredOption('--input <file>', 'safetensors with input_ids, token_type_ids, attention_mask [batch, seq] (I64/I32), optional labels, next_sentence_label')
    .requiredOption('--output <file>', 'safetensors to write: last_hidden_state, pooler_output, prediction_logits, seq_relationship_logits, loss')
    .option('--grads', 'also write grad.<name> for every parameter (needs labels and next_sentence_label)')
    .action((flags: ForwardFlags) => runForward(flags));
}
