/** Nested lists of numbers, as Tensor.tolist() gives them. */
export type NestedNumbers = number | NestedNumbers[];

/**
 * The tensor feature extraction returns, shaped as transformers.js's Tensor so ported code reads it the same way:
 * `type`, `data` (row-major float32), `dims`, `size`, `tolist()`.
 */
export class FeatureTensor {
  readonly type = 'float32' as const;

  constructor(readonly data: Float32Array, readonly dims: readonly number[]) {}

  get size(): number {
    return this.data.length;
  }

  /** The values as nested arrays, one level per dimension (what `tsbert predict` writes as JSON). */
  tolist(): NestedNumbers[] {
    const build = (axis: number, offset: number): NestedNumbers[] => {
      const count = this.dims[axis]!;
      let stride = 1;
      for (let a = axis + 1; a < this.dims.length; a++) stride *= this.dims[a]!;
      const out: NestedNumbers[] = new Array<NestedNumbers>(count);
      for (let i = 0; i < count; i++) out[i] = axis === this.dims.length - 1 ? this.data[offset + i]! : build(axis + 1, offset + i * stride);
      return out;
    };
    return this.dims.length === 0 ? [] : build(0, 0);
  }
}
