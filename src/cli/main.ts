#!/usr/bin/env node
/**
 * The `tsbert` command line. Each command lives in commands/<name>.ts and registers itself on the program;
 * library errors become one-line messages and exit code 1 here, and only here.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { TsbertError } from '../errors.js';
import { installNodeRuntime } from '../node-runtime.js';
import { registerBench } from './commands/bench.js';
import { registerBenchModel } from './commands/bench-model.js';
import { registerCreatePretrainingData } from './commands/create-pretraining-data.js';
import { registerDistill } from './commands/distill.js';
import { registerFinetune } from './commands/finetune.js';
import { registerForward } from './commands/forward.js';
import { registerInspectData } from './commands/inspect-data.js';
import { registerPredict } from './commands/predict.js';
import { registerPretrain } from './commands/pretrain.js';
import { registerQuantize } from './commands/quantize.js';
import { registerTokenize } from './commands/tokenize.js';
import { registerTrainTokenizer } from './commands/train-tokenizer.js';
import { stopExitCode } from './signals.js';

/** The package's version, read from package.json beside dist/ (the CLI runs from dist/src/cli/). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  installNodeRuntime();
  const program = new Command();
  program
    .name('tsbert')
    .version(packageVersion(), '-V, --version', 'print the version of tsbert')
    .description('BERT in TypeScript: tokenize, pre-train, fine-tune, evaluate and run BERT models on Node.js')
    .showHelpAfterError();
  registerTokenize(program);
  registerTrainTokenizer(program);
  registerCreatePretrainingData(program);
  registerInspectData(program);
  registerPretrain(program);
  registerDistill(program);
  registerFinetune(program);
  registerPredict(program);
  registerQuantize(program);
  registerForward(program);
  registerBench(program);
  registerBenchModel(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
    process.exitCode = stopExitCode() ?? process.exitCode;
  } catch (error) {
    if (error instanceof TsbertError) {
      process.stderr.write(`tsbert: ${error.name}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

await main();
