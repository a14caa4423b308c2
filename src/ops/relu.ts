import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/**
 * max(0, x) (hidden_act "relu"). A compare per value runs at memory speed in plain JavaScript, so no backend kernel:
 * both backends take this loop. NaN passes through as torch.relu's does; backward lets dy through where the saved
 * output is positive (torch's threshold_backward: zero gradient at 0).
 */
export function relu(x: Tensor): Tensor {
  const op = 'relu';
  const xs = x.floats(op);
  const out = emptyLike(x.computeDType(op), x.shape);
  const ys = out.floats(op);
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    ys[i] = v <= 0 ? 0 : v;
  }
  return record(out, op, [x], (o) => {
    const dx = x.ensureGrad();
    const dy = o.grad!;
    for (let i = 0; i < ys.length; i++) if (ys[i]! > 0) dx[i] = dx[i]! + dy[i]!;
  });
}
