/**
 * Training checkpoints of any model: DIR/checkpoint-<step>/ (Hugging Face Trainer's naming) holding the model as a
 * Hugging Face folder, the AdamW moments (optimizer.safetensors) and trainer_state.json (step, the run's settings
 * and the task's state: data position, Rng states). A checkpoint is built in a temporary folder and renamed into place, so a kill at any moment leaves
 * either no checkpoint-<step> or a complete one; resume takes the newest that loads.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { keepAtExit, removeAtExit, syncPath, temporaryPathFor } from '../io/atomic-file.js';
import { writeJsonAtomic } from '../io/model-folder.js';
import { loadWeights } from '../model/checkpoint-loading.js';
import { readSafetensors, toFloat32, writeSafetensors, type SafetensorsTensor } from '../io/safetensors.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import type { AdamW } from '../optim/adamw.js';

export const TRAINER_STATE_NAME = 'trainer_state.json';
export const OPTIMIZER_NAME = 'optimizer.safetensors';
const STATE_VERSION = 1;

/** What a task keeps in a checkpoint beside the weights (JSON): its data position and Rng states. */
export type TaskState = Record<string, unknown>;

/** trainer_state.json: the trainer's fields and, beside them, the task's (pre-training: consumed, dropoutRng, maskingRng). */
export type TrainerState = TaskState & {
  version: number;
  /** Optimizer steps done. */
  step: number;
  /** The run's settings, to refuse resuming with an incompatible command line. */
  settings: Record<string, unknown>;
};

function optimizerNames(optimizer: AdamW): string[] {
  return optimizer.groups.flatMap((group) => group.names);
}

export function checkpointDir(root: string, step: number): string {
  return join(root, `checkpoint-${step}`);
}

/**
 * Builds a folder under a temporary name and renames it into place when complete, so a kill (or a second Ctrl-C,
 * which exits at once) never leaves a half-written folder under the final name.
 */
export function writeFolderAtomic(final: string, fill: (dir: string) => void): string {
  const temporary = temporaryPathFor(final);
  rmSync(temporary, { recursive: true, force: true });
  removeAtExit(temporary);
  try {
    mkdirSync(temporary, { recursive: true });
    fill(temporary);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    keepAtExit(temporary);
    throw error;
  }
  // Every file was fsynced by its atomic writer; what is left to make durable is the folder's rename.
  rmSync(final, { recursive: true, force: true });
  renameSync(temporary, final);
  keepAtExit(temporary);
  syncPath(dirname(final));
  return final;
}

export function saveTrainingCheckpoint(root: string, model: PreTrainedModel, optimizer: AdamW, state: TrainerState): string {
  return writeFolderAtomic(checkpointDir(root, state.step), (dir) => {
    model.savePretrained(dir);
    const { m, v, step } = optimizer.getState();
    const tensors: Record<string, SafetensorsTensor> = {};
    optimizerNames(optimizer).forEach((name, i) => {
      tensors[`exp_avg.${name}`] = { dtype: 'F32', shape: [m[i]!.length], data: m[i]! };
      tensors[`exp_avg_sq.${name}`] = { dtype: 'F32', shape: [v[i]!.length], data: v[i]! };
    });
    writeSafetensors(join(dir, OPTIMIZER_NAME), tensors, { step: String(step) });
    writeJsonAtomic(join(dir, TRAINER_STATE_NAME), state);
  });
}

/** Checkpoint folders under root, newest step first. */
export function listCheckpoints(root: string): { step: number; dir: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => /^checkpoint-(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ step: Number(match[1]), dir: join(root, match[0]) }))
    .sort((a, b) => b.step - a.step);
}

export function readTrainerState(dir: string): TrainerState {
  const path = join(dir, TRAINER_STATE_NAME);
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CheckpointError(`${path}: unreadable trainer state (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  const s = state as Partial<TrainerState>;
  if (typeof s !== 'object' || s === null || s.version !== STATE_VERSION || typeof s.step !== 'number'
    || typeof s.settings !== 'object' || s.settings === null) {
    throw new CheckpointError(`${path}: not a version-${STATE_VERSION} tsbert trainer state`);
  }
  return s as TrainerState;
}

/** Restores model weights, optimizer moments and returns the trainer state; throws CheckpointError if incomplete. */
export function loadTrainingCheckpoint(dir: string, model: PreTrainedModel, optimizer: AdamW): TrainerState {
  const state = readTrainerState(dir);
  const info = loadWeights(model, join(dir, 'model.safetensors'));
  if (info.missingKeys.length > 0) throw new CheckpointError(`${dir}: model.safetensors lacks ${info.missingKeys.join(', ')}`);
  const file = readSafetensors(join(dir, OPTIMIZER_NAME));
  const names = optimizerNames(optimizer);
  const m = names.map((name) => Float32Array.from(toFloat32(file.get(`exp_avg.${name}`))));
  const v = names.map((name) => Float32Array.from(toFloat32(file.get(`exp_avg_sq.${name}`))));
  optimizer.setState({ step: state.step, m, v });
  return state;
}

/** Deletes all but the newest `keep` checkpoints (keep ≤ 0 keeps all). */
export function pruneCheckpoints(root: string, keep: number): void {
  if (keep <= 0) return;
  for (const { dir } of listCheckpoints(root).slice(keep)) rmSync(dir, { recursive: true, force: true });
}
