import type { Command } from 'commander';

/** Placeholder: replaced by the real command. */
export function registerPretrain(_program: Command): void {}
