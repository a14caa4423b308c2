import type { Command } from 'commander';

/** Placeholder: replaced by the real command. */
export function registerForward(_program: Command): void {}
