import type { Command } from 'commander';

/** Placeholder: replaced by the real command. */
export function registerTrainTokenizer(_program: Command): void {}
