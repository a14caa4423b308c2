import { join } from 'node:path';
import type { Command } from 'commander';
import { CheckpointError, ConfigError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { checkInput, checkOutputDirectory, optionalInputFile, readInputFile } from '../../io/checked-file.js';
import { readConfigJson } from '../../io/model-folder.js';
import { modelTypeOfConfig } from '../../model/auto.js';
import { defaultWeightBits, isQuantizedConfigJson, quantizeModel, weightBitsFrom } from '../../model/quantization.js';
import { modelClassFor, registrationOfArchitecture } from '../../model/registry.js';
import { log } from './finetune.js';

interface QuantizeFlags {
  model: string;
  output: string;
  weightBits?: string;
}

/** A model folder's tokenizer files, copied byte for byte (whichever the folder has). */
const TOKENIZER_FILES = ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'] as const;

/**
 * Writes the int8 form of a float32 folder (docs/quantization.md): the model in the class its config.json's
 * architectures name (the encoder alone when none is known), every Linear's weight int8 with its scales, config.json
 * marked with quantization_config, and the tokenizer files copied. Loading the output needs no re-quantizing.
 */
export function runQuantize(flags: QuantizeFlags): void {
  checkInput(flags.model, { label: '--model', error: CheckpointError }, 'directory');
  checkOutputDirectory(flags.output, { label: '--output' });
  const weightBits = flags.weightBits === undefined ? defaultWeightBits() : weightBitsFrom(flags.weightBits, '--weight-bits');
  const { json, path } = readConfigJson(flags.model);
  if (isQuantizedConfigJson(json)) throw new ConfigError(`quantize: ${flags.model} is already int8-quantized (${path}: quantization_config)`);
  const listed = (json as Record<string, unknown>)['architectures'];
  const first = Array.isArray(listed) && typeof listed[0] === 'string' ? listed[0] : undefined;
  const task = (first === undefined ? undefined : registrationOfArchitecture(first)?.task) ?? 'base';
  const model = modelClassFor(modelTypeOfConfig(json, path), task, path).fromPretrained(flags.model, { quiet: true });
  const missing = model.loadingInfo?.missingKeys ?? [];
  if (missing.length > 0) {
    throw new CheckpointError(`quantize: ${flags.model} lacks the ${model.architecture} weights ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}`);
  }
  quantizeModel(model, `quantize: ${flags.model}`, { weightBits });
  model.savePretrained(flags.output);
  const copied: string[] = [];
  for (const name of TOKENIZER_FILES) {
    const source = join(flags.model, name);
    if (!optionalInputFile(source, { label: 'tokenizer file' })) continue;
    writeFileAtomic(join(flags.output, name), readInputFile(source, { label: 'tokenizer file' }), { label: '--output' });
    copied.push(name);
  }
  log(`quantize: ${model.architecture} written to ${flags.output} with int8 Linear weights (${weightBits}-bit)`
    + (copied.length === 0 ? ' (no tokenizer files to copy)' : ` and ${copied.join(', ')}`));
}

export function registerQuantize(program: Command): void {
  program
    .command('quantize')
    .description('write the int8 form of a float32 model folder: every Linear weight int8 with one scale per output channel (docs/quantization.md)')
    .requiredOption('--model <dir>', 'a float32 model folder (config.json + model.safetensors)')
    .requiredOption('--output <dir>', 'the quantized folder to write (created if needed)')
    .option('--weight-bits <7|8>', 'the weights\' levels: 8 ([-127, 127]), or 7 ([-63, 63]: the u8 x s8 kernel, 1.4x faster on AVX2; docs/quantization.md) (default: 7 on AVX2, else 8)')
    .action((flags: QuantizeFlags) => runQuantize(flags));
}
