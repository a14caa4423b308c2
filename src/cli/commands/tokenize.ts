import type { Command } from 'commander';

/** Placeholder: replaced by the real command. */
export function registerTokenize(_program: Command): void {}
