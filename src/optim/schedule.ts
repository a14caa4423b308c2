import { ValueError } from '../errors.js';

/** How the learning rate falls after warmup (Hugging Face's `lr_scheduler_type`: linear, cosine, constant_with_warmup). */
export type DecayKind = 'linear' | 'cosine' | 'constant';
export const DECAY_KINDS: readonly DecayKind[] = ['linear', 'cosine', 'constant'];

/**
 * A learning-rate schedule: linear warmup from 0 over `warmupSteps`, then a decay over the remaining steps. The
 * factor of a 0-based step multiplies the peak lr, as LambdaLR evaluates it: before the first update the factor
 * of step 0 applies. Formulas as transformers' optimization.py (get_linear_schedule_with_warmup,
 * get_cosine_schedule_with_warmup with half a cycle, get_constant_schedule_with_warmup); BERT §A.2 uses linear.
 */
export class LrSchedule {
  constructor(readonly peakLr: number, readonly warmupSteps: number, readonly totalSteps: number, readonly decay: DecayKind = 'linear') {
    if (!(totalSteps > 0)) throw new ValueError(`schedule: total steps must be positive, got ${totalSteps}`);
    if (!(warmupSteps >= 0)) throw new ValueError(`schedule: warmup steps must be ≥ 0, got ${warmupSteps}`);
    if (!(peakLr >= 0)) throw new ValueError(`schedule: the learning rate must be ≥ 0, got ${peakLr}`);
    if (!DECAY_KINDS.includes(decay)) throw new ValueError(`schedule: decay must be one of ${DECAY_KINDS.join(', ')}, got "${decay}"`);
  }

  factor(step: number): number {
    if (step < this.warmupSteps) return step / Math.max(1, this.warmupSteps);
    const decaySteps = Math.max(1, this.totalSteps - this.warmupSteps);
    switch (this.decay) {
      case 'linear':
        return Math.max(0, (this.totalSteps - step) / decaySteps);
      case 'cosine':
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((step - this.warmupSteps) / decaySteps))));
      case 'constant':
        return 1;
    }
  }

  lr(step: number): number {
    return this.peakLr * this.factor(step);
  }
}

/** Linear warmup then linear decay to 0: the factor of BERT's schedule (kept for callers that want a number). */
export function linearWarmupDecay(step: number, warmupSteps: number, totalSteps: number): number {
  return new LrSchedule(1, warmupSteps, totalSteps, 'linear').factor(step);
}
