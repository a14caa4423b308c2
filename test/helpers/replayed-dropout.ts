import assert from 'node:assert/strict';
import type { Backend, FloatArray } from '../../src/backend/backend.js';

/**
 * `base` with a dropout kernel that hands out PyTorch's recorded keep masks (1 kept) in call order and scales kept
 * values by the 1/(1-p) tsbert asks for; `rates` receives each call's p, so a wrong rate, a missing or extra dropout
 * shows. `adapt` turns call `call`'s recorded mask into the part tsbert draws (e.g. the [CLS] rows alone).
 */
export function replayingDropout(
  base: Backend,
  keeps: Int32Array[],
  rates: number[],
  adapt: (call: number, keep: Int32Array) => Int32Array = (_, keep) => keep,
): Backend {
  return {
    ...base,
    dropoutForward(out: FloatArray, mask: FloatArray, x: FloatArray, n: number, p: number, keepValue: number): void {
      const call = rates.length;
      const recorded = keeps[call];
      rates.push(p);
      assert.ok(recorded !== undefined, `dropout call ${rates.length} has no recorded mask (PyTorch made ${keeps.length})`);
      const keep = adapt(call, recorded);
      assert.equal(keep.length, n, `dropout call ${rates.length}: ${n} values, PyTorch's mask has ${keep.length}`);
      for (let i = 0; i < n; i++) {
        mask[i] = keep[i] === 1 ? keepValue : 0;
        out[i] = x[i]! * mask[i]!;
      }
    },
  };
}
