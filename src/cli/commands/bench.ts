import type { Command } from 'commander';

/** Placeholder: replaced by the real command. */
export function registerBench(_program: Command): void {}
