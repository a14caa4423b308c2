/** What the supervisor tells a fuzz worker, and what the worker reports back. */
import type { StatusBuffers } from './status.js';

export interface WorkerConfig {
  mode: 'fuzz' | 'replay';
  /** Names of the targets to run, in the supervisor's order (status slots follow this order). */
  targets: string[];
  /** Module exporting TARGETS (a TargetFactory list); the harness's own unless a test substitutes one. */
  targetsModule: string;
  seed: number;
  /** Worker number, for file names. */
  id: number;
  /** Epoch ms at which to stop (fuzz mode). */
  deadline: number;
  /** Inputs still to try per target, in `targets` order; Infinity means until the deadline. */
  quotas: number[];
  workDir: string;
  findingsDir: string;
  status: StatusBuffers;
  /** Replay mode: the input to read and the target to read it with (the single entry of `targets`). */
  replayFile?: string;
}

export interface CrashReport {
  type: 'crash';
  target: string;
  signature: string;
  reason: string;
  /** The saved input, or undefined when this signature already has enough saved examples. */
  saved?: string;
}

export interface ReplayReport {
  type: 'replay';
  outcome: string;
  reason?: string;
  stack?: string;
}

export type WorkerMessage = CrashReport | ReplayReport | { type: 'done' };
