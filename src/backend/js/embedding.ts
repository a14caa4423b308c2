import type { FloatArray } from '../backend.js';

/** out [n, dim] = table rows at ids [n]. */
export function embeddingForward(out: FloatArray, table: FloatArray, ids: Int32Array, n: number, dim: number): void {
  for (let i = 0; i < n; i++) {
    const src = ids[i]! * dim;
    const dst = i * dim;
    for (let d = 0; d < dim; d++) out[dst + d] = table[src + d]!;
  }
}

/** dTable += scatter-add of dOut rows at ids; the paddingIdx row gets nothing (nn.Embedding's padding_idx). */
export function embeddingBackward(dTable: FloatArray, dOut: FloatArray, ids: Int32Array, n: number, dim: number, paddingIdx: number): void {
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (id === paddingIdx) continue;
    const dst = id * dim;
    const src = i * dim;
    for (let d = 0; d < dim; d++) dTable[dst + d] = dTable[dst + d]! + dOut[src + d]!;
  }
}
