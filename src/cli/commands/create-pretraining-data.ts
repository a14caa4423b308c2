import type { Command } from 'commander';

/** Placeholder: replaced by the real command. */
export function registerCreatePretrainingData(_program: Command): void {}
