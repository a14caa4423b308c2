import type { ParamGroup } from './param-groups.js';

/** Plain SGD with optional momentum (torch.optim.SGD's form: buf = μ·buf + g; p -= lr·buf) and L2 weight decay. */
export class SGD {
  private readonly buffers = new Map<object, Float32Array>();

  constructor(readonly groups: ParamGroup[], public lr: number, readonly momentum = 0) {}

  stepOnce(): void {
    for (const group of this.groups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (grad === null) continue;
        const data = param.data;
        let buffer: Float32Array | undefined;
        if (this.momentum !== 0) {
          buffer = this.buffers.get(param);
          if (buffer === undefined) {
            buffer = new Float32Array(param.size);
            this.buffers.set(param, buffer);
          }
        }
        for (let i = 0; i < data.length; i++) {
          let g = grad[i]! + group.weightDecay * data[i]!;
          if (buffer !== undefined) {
            g += this.momentum * buffer[i]!;
            buffer[i] = g;
          }
          data[i] = data[i]! - this.lr * g;
        }
      }
    }
  }
}
