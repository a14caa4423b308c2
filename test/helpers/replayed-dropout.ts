import assert from 'node:assert/strict';
import { mixPerSequence } from '../../src/backend/attention-gemms.js';
import type { Backend, FloatArray } from '../../src/backend/backend.js';

/**
 * `base` with a dropout kernel that hands out PyTorch's recorded keep masks (1 kept, 0 dropped) in call order and
 * scales kept values by the 1/(1-p) tsbert asks for; `rates` receives each call's p. `firstTokenSites`: the calls
 * that run at position 0 only (a last layer run at the first tokens: [rows, 1, hidden] of PyTorch's
 * [rows, seq, hidden]), given the rows of PyTorch's mask at position 0 of each of its `rows` sequences.
 */
export function replayingDropout(base: Backend, keeps: Int32Array[], rates: number[], firstTokenSites = new Set<number>(), rows = 1, seq = 1): Backend {
  const dropoutForward = (out: FloatArray, mask: FloatArray, x: FloatArray, n: number, p: number, keepValue: number): void => {
    const call = rates.length;
    let keep = keeps[call];
    rates.push(p);
    assert.ok(keep !== undefined, `dropout call ${rates.length} has no recorded mask (PyTorch made ${keeps.length})`);
    if (firstTokenSites.has(call)) keep = firstTokenKeeps(keep, rows, seq);
    assert.equal(keep.length, n, `dropout call ${rates.length}: ${n} values, PyTorch's mask has ${keep.length}`);
    for (let i = 0; i < n; i++) {
      mask[i] = keep[i] === 1 ? keepValue : 0;
      out[i] = x[i]! * mask[i]!;
    }
  };
  return {
    ...base,
    dropoutForward,
    // Attention's dropout is inside the fused kernel: here the base's probabilities, the replayed mask over all of them
    // (one call, as the kernel's one stream), and the base's products.
    attentionTrainForward(context, probs, dropMask, q, k, v, mask, batch, heads, seqLength, headDim, scale, p, keepValue): void {
      base.attentionForward(context, probs, q, k, v, mask, batch, heads, seqLength, headDim, scale);
      const n = batch * heads * seqLength * seqLength;
      const used = probs instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
      dropoutForward(used, dropMask, probs, n, p, keepValue);
      mixPerSequence(base.gemm.bind(base), context, used, v, batch, { seq: seqLength, heads, headDim });
    },
  };
}

/** The values at position 0 of each sequence of a [rows, seq, hidden] mask. */
function firstTokenKeeps(keep: Int32Array, rows: number, seq: number): Int32Array {
  const hidden = keep.length / rows / seq;
  const kept: number[] = [];
  for (let start = 0; start < keep.length; start += seq * hidden) kept.push(...keep.subarray(start, start + hidden));
  return Int32Array.from(kept);
}
