/**
 * The pre-training objectives tsbert makes instances for and trains, and the one place their names and numbers live:
 * - `bert`: MLM + next-sentence prediction on sentence pairs (Devlin et al. 2019 §3.1);
 * - `mlm`: RoBERTa's MLM alone on FULL-SENTENCES packing, one segment, dynamic masks (Liu et al. 2019 §4.1–4.2);
 * - `albert`: MLM with n-gram masks + sentence-order prediction (Lan et al. 2020 §3.2, §4.1).
 */
import { ConfigError } from '../errors.js';

export const PRETRAIN_OBJECTIVES = ['bert', 'mlm', 'albert'] as const;
export type PretrainObjective = (typeof PRETRAIN_OBJECTIVES)[number];

/** What each objective's pair label means, for metrics and messages (`nsp_accuracy`, `sop_accuracy`); none for mlm. */
export const PAIR_TASK: Record<PretrainObjective, 'nsp' | 'sop' | undefined> = { bert: 'nsp', mlm: undefined, albert: 'sop' };

/** The code stored in an instance file's header (0 for files written before objectives existed: BERT's). */
export function objectiveCode(objective: PretrainObjective): number {
  return PRETRAIN_OBJECTIVES.indexOf(objective);
}

export function objectiveFromCode(code: number): PretrainObjective | undefined {
  return PRETRAIN_OBJECTIVES[code];
}

export function parseObjective(value: string, flag = '--objective'): PretrainObjective {
  const objective = PRETRAIN_OBJECTIVES.find((o) => o === value);
  if (objective === undefined) throw new ConfigError(`${flag}: "${value}" is not an objective (${PRETRAIN_OBJECTIVES.join(', ')})`);
  return objective;
}
