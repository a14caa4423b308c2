import type { FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ParamGroup } from './param-groups.js';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  /** torch's default is 1e-8; BERT used 1e-6. */
  eps?: number;
}

export interface AdamWState {
  step: number;
  /** First and second moments per parameter, in group order. */
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * AdamW (Loshchilov & Hutter) as torch.optim.AdamW computes it: decoupled weight decay per group, bias-corrected
 * moments. `lr` may be changed between steps by a schedule. Parameters without a gradient are skipped.
 */
export class AdamW {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private stepCount = 0;
  private readonly m: Float32Array[] = [];
  private readonly v: Float32Array[] = [];
  private readonly flat: { param: Tensor; weightDecay: number }[] = [];

  constructor(readonly groups: ParamGroup[], options: AdamWOptions) {
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    if (!(this.lr >= 0)) throw new ValueError(`AdamW: lr must be ≥ 0, got ${this.lr}`);
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new ValueError(`AdamW: betas must be in [0, 1), got ${this.beta1}, ${this.beta2}`);
    }
    for (const group of groups) {
      for (const param of group.params) {
        if (param.dtype !== 'float32') throw new ValueError(`AdamW: parameters must be float32, got ${param.dtype}`);
        this.flat.push({ param, weightDecay: group.weightDecay });
        this.m.push(new Float32Array(param.size));
        this.v.push(new Float32Array(param.size));
      }
    }
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * One step. `gradScale` (global-norm clipping's coefficient, clipCoefficient) scales every gradient in place first,
   * exactly as clipGradNorm would, inside the pass that reads them anyway.
   */
  stepOnce(gradScale = 1): void {
    this.stepCount++;
    const backend = getBackend();
    this.flat.forEach(({ param, weightDecay }, i) => {
      const grad = param.grad;
      if (grad === null) return;
      let scale = gradScale;
      const rows = scale === 1 ? null : param.gradRowsWritten();
      if (rows !== null) {
        // A gradient written by rows is zero elsewhere, which scaling leaves as it is: scale those rows alone rather
        // than store the whole word-embedding gradient back from AdamW's pass.
        const cols = grad.length / param.shape[0]!;
        for (const row of rows) {
          const slice = grad.subarray(row * cols, (row + 1) * cols);
          backend.axpby(slice, slice, cols, scale, 0);
        }
        scale = 1;
      }
      backend.adamwStep(param.data as FloatArray, this.m[i]!, this.v[i]!, grad, param.size,
        this.lr, this.beta1, this.beta2, this.eps, weightDecay, this.stepCount, scale);
    });
  }

  zeroGrad(): void {
    for (const { param } of this.flat) param.zeroGrad();
  }

  getState(): AdamWState {
    return { step: this.stepCount, m: this.m, v: this.v };
  }

  /** Restores moments and step count (copied in, so the optimizer keeps its own buffers). */
  setState(state: AdamWState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new ValueError(`AdamW: state holds ${state.m.length} parameters, the optimizer has ${this.m.length}`);
    }
    state.m.forEach((m, i) => {
      if (m.length !== this.m[i]!.length || state.v[i]!.length !== this.v[i]!.length) {
        throw new ValueError(`AdamW: state for parameter ${i} has ${m.length} values, expected ${this.m[i]!.length}`);
      }
      this.m[i]!.set(m);
      this.v[i]!.set(state.v[i]!);
    });
    this.stepCount = state.step;
  }
}
