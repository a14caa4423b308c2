import type { Command } from 'commander';

/** Placeholder: replaced by the real command. */
export function registerInspectData(_program: Command): void {}
