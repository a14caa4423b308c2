import { ValueError } from '../errors.js';

/**
 * Linear warmup then linear decay to 0 (BERT §A.2: warmup over the first 10,000 steps, linear decay after;
 * transformers' get_linear_schedule_with_warmup). Returns the multiplier of the peak lr for a 0-based step,
 * as LambdaLR evaluates it: before the first update the factor of step 0 applies.
 */
export function linearWarmupDecay(step: number, warmupSteps: number, totalSteps: number): number {
  if (!(totalSteps > 0)) throw new ValueError(`schedule: total steps must be positive, got ${totalSteps}`);
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}
