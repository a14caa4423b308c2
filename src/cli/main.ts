#!/usr/bin/env node
/**
 * The `tsbert` command line. Each command lives in commands/<name>.ts and registers itself on the program;
 * library errors become one-line messages and exit code 1 here, and only here.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { TsbertError } from '../errors.js';
import { installNodeRuntime } from '../node-runtime.js';
import { stopExitCode } from './signals.js';

/** The package's version, read from package.json beside dist/ (the CLI runs from dist/src/cli/). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when it runs: `tsbert predict` does not pay for loading the trainer, the
 * pre-training data tools and the benches (module loading was ~0.2 s of CPU per process). In help order; bench and
 * bench-model both add subcommands to `bench`, and finetune.ts registers `evaluate` too.
 */
const COMMANDS: readonly { names: readonly string[]; load: () => Promise<Register[]> }[] = [
  { names: ['tokenize'], load: async () => [(await import('./commands/tokenize.js')).registerTokenize] },
  { names: ['train-tokenizer'], load: async () => [(await import('./commands/train-tokenizer.js')).registerTrainTokenizer] },
  { names: ['create-pretraining-data'], load: async () => [(await import('./commands/create-pretraining-data.js')).registerCreatePretrainingData] },
  { names: ['inspect-data'], load: async () => [(await import('./commands/inspect-data.js')).registerInspectData] },
  { names: ['pretrain'], load: async () => [(await import('./commands/pretrain.js')).registerPretrain] },
  { names: ['distill'], load: async () => [(await import('./commands/distill.js')).registerDistill] },
  { names: ['finetune', 'evaluate'], load: async () => [(await import('./commands/finetune.js')).registerFinetune] },
  { names: ['predict'], load: async () => [(await import('./commands/predict.js')).registerPredict] },
  { names: ['quantize'], load: async () => [(await import('./commands/quantize.js')).registerQuantize] },
  { names: ['forward'], load: async () => [(await import('./commands/forward.js')).registerForward] },
  {
    names: ['bench'],
    load: async () => [(await import('./commands/bench.js')).registerBench, (await import('./commands/bench-model.js')).registerBenchModel],
  },
];

/**
 * The program with the command named by `args[0]` (process.argv after node and the script) registered, or every
 * command when none is named (`tsbert --help`, a mistyped name: commander lists them all or suggests one).
 */
export async function buildProgram(args: readonly string[] = process.argv.slice(2)): Promise<Command> {
  installNodeRuntime();
  const program = new Command();
  program
    .name('tsbert')
    .version(packageVersion(), '-V, --version', 'print the version of tsbert')
    .description('BERT in TypeScript: tokenize, pre-train, fine-tune, evaluate and run BERT models on Node.js')
    .showHelpAfterError();
  const named = COMMANDS.filter((command) => command.names.includes(args[0] ?? ''));
  for (const command of named.length > 0 ? named : COMMANDS) for (const register of await command.load()) register(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await (await buildProgram()).parseAsync(process.argv);
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
