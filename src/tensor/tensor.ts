import { DTypeError, ShapeError, shapeString } from '../errors.js';
import type { FloatArray } from '../backend/backend.js';
import { allocate } from './arena.js';
import {
  assertDataMatches, assertScalesFit, DTYPES, inferDType, newBuffer, type ComputeDType, type DType, type QuantScales,
  type TensorData,
} from './dtype.js';
import { runScoped } from './scope.js';
import { WrittenRows } from './written-rows.js';

/** How an op's output gets its inputs' gradients: `backward` reads `output.grad` and accumulates into inputs. */
export interface GradFn {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  backward(output: Tensor): void;
}

let gradEnabled = true;

/**
 * Runs fn without recording the graph (inference, evaluation); grad mode is restored when fn returns or throws.
 * The scope is synchronous (an async fn is refused: what ran after its first await would be outside the scope), so
 * work interleaved at awaits — another model training — never sees this scope's grad mode.
 */
export function noGrad<T>(fn: () => T): T {
  return runScoped('noGrad', () => gradEnabled, (on) => { gradEnabled = on; }, false, fn);
}

/** Runs fn recording the graph even inside a noGrad scope (as torch.enable_grad), restoring the mode after. */
export function withGrad<T>(fn: () => T): T {
  return runScoped('withGrad', () => gradEnabled, (on) => { gradEnabled = on; }, true, fn);
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

export interface TensorOptions {
  requiresGrad?: boolean;
  /** Inferred for Float32Array, Float64Array and Int32Array data; required for Uint16Array and Int8Array. */
  dtype?: DType;
  /** int8 tensors' scales (and only theirs). */
  scales?: QuantScales;
}

/**
 * An n-dimensional row-major array with an explicit dtype (see dtype.ts): float32 (model math), float64
 * (finite-difference checks), int32 (ids, labels), and the storage types bfloat16, float16 and int8 (with scales),
 * which ops refuse with a DTypeError. Leaf tensors with requiresGrad are parameters; their grad buffers live
 * outside any arena.
 */
export class Tensor {
  readonly data: TensorData;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** int8: what each value is multiplied by; null for every other dtype. */
  readonly scales: QuantScales | null;
  requiresGrad: boolean;
  gradFn: GradFn | null = null;
  private gradBuffer: FloatArray | null = null;
  /**
   * True while only row writers (ensureGradRows) have written the gradient since zeroGrad: it is zero outside the
   * rows in `writtenRows`. Any other writer (ensureGrad) or a gradient set from outside ends it until the next zeroGrad.
   */
  private onlyRowsWritten = false;
  private writtenRows: WrittenRows | null = null;

  /** `options` as a boolean is requiresGrad, the common case: `new Tensor(data, shape, true)`. */
  constructor(data: TensorData, shape: readonly number[], options: boolean | TensorOptions = false) {
    const { requiresGrad = false, dtype, scales } = typeof options === 'boolean' ? { requiresGrad: options } : options;
    for (const dim of shape) {
      if (!Number.isInteger(dim) || dim < 0) throw new ShapeError(`Tensor: invalid shape ${shapeString(shape)}`);
    }
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`Tensor: shape ${shapeString(shape)} holds ${sizeOf(shape)} values but the data has ${data.length}`);
    }
    if (dtype !== undefined) assertDataMatches(dtype, data, 'Tensor');
    this.dtype = dtype ?? inferDType(data, 'Tensor');
    const info = DTYPES[this.dtype];
    if (info.quantized !== (scales !== undefined)) {
      throw new DTypeError(`Tensor: ${this.dtype} ${info.quantized ? 'needs its scales' : 'takes no scales (int8 only)'}`);
    }
    if (scales !== undefined) assertScalesFit(scales, shape, 'Tensor');
    if (requiresGrad && !info.computable) throw new DTypeError(`Tensor: ${this.dtype} tensors cannot require a gradient`);
    this.data = data;
    this.shape = shape;
    this.scales = scales ?? null;
    this.requiresGrad = requiresGrad;
  }

  /** Zeros of a dtype that needs no scales. */
  static zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return new Tensor(newBuffer(dtype, sizeOf(shape)), shape, { dtype });
  }

  /** Values as they are stored in `dtype` (bfloat16 and float16: their bits). */
  static fromArray(values: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const data = newBuffer(dtype, values.length);
    data.set(values);
    return new Tensor(data, shape, { dtype });
  }

  get size(): number {
    return this.data.length;
  }

  /** The dtype ops compute this tensor in, or a DTypeError naming the op (int32 ids, storage-only types). */
  computeDType(op: string): ComputeDType {
    if (this.dtype === 'float32' || this.dtype === 'float64') return this.dtype;
    throw this.notComputable(op);
  }

  /** The data as floats, or a DTypeError naming the op that needed them. */
  floats(op: string): FloatArray {
    // float32 and float64 are the only dtypes stored in these arrays (the constructor checked the match).
    if (this.data instanceof Float32Array || this.data instanceof Float64Array) return this.data;
    throw this.notComputable(op);
  }

  private notComputable(op: string): DTypeError {
    const why = DTYPES[this.dtype].isFloat ? ' (a storage type: ops compute in float32 or float64)' : '';
    return new DTypeError(`${op}: expected a float tensor, got ${this.dtype} ${shapeString(this.shape)}${why}`);
  }

  ints(op: string): Int32Array {
    if (this.data instanceof Int32Array) return this.data;
    throw new DTypeError(`${op}: expected an int32 tensor, got ${this.dtype} ${shapeString(this.shape)}`);
  }

  get grad(): FloatArray | null {
    return this.gradBuffer;
  }

  /** A gradient set from outside may hold anything: the next zeroGrad clears all of it. */
  set grad(grad: FloatArray | null) {
    this.gradBuffer = grad;
    this.onlyRowsWritten = false;
  }

  /** The gradient buffer for an op that may write any element, created zeroed on first use. */
  ensureGrad(): FloatArray {
    this.onlyRowsWritten = false;
    return this.gradBuffer ?? this.newGrad();
  }

  /**
   * The gradient buffer for an op that accumulates into whole rows of this [rows, ...] tensor only: those of `ids`,
   * except skipRow (an embedding's scatter-add; -1: none). Zeroing and the gradient norm then visit those rows alone.
   */
  ensureGradRows(ids: Int32Array, skipRow: number): FloatArray {
    if (this.gradBuffer === null) {
      this.newGrad();
      this.onlyRowsWritten = true;
    }
    if (this.onlyRowsWritten) (this.writtenRows ??= new WrittenRows(this.shape[0] ?? 1)).add(ids, skipRow);
    return this.gradBuffer!;
  }

  /** The rows ensureGradRows wrote since zeroGrad, ascending, when the gradient is zero elsewhere; null: unknown. */
  gradRowsWritten(): Int32Array | null {
    return this.onlyRowsWritten ? this.writtenRows?.rows() ?? NO_ROWS : null;
  }

  /** Zeros the gradient: only the rows written when only rows were written (see ensureGradRows), else all of it. */
  zeroGrad(): void {
    const grad = this.gradBuffer;
    if (grad === null) return;
    if (this.onlyRowsWritten && this.writtenRows !== null) this.writtenRows.zeroAndClear(grad, this.size / (this.shape[0] ?? 1));
    else if (!this.onlyRowsWritten) {
      grad.fill(0);
      this.writtenRows?.clear();
    }
    this.onlyRowsWritten = true;
  }

  /** A zeroed gradient buffer: in the arena for intermediates, outside it for leaves. */
  private newGrad(): FloatArray {
    const dtype = this.computeDType('ensureGrad');
    this.gradBuffer = this.gradFn === null ? newBuffer(dtype, this.size) : allocate(dtype, this.size, true);
    return this.gradBuffer;
  }

  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: tensor has ${this.size} values ${shapeString(this.shape)}, expected 1`);
    return this.data[0]!;
  }

  toString(): string {
    return `Tensor(${this.dtype} ${shapeString(this.shape)})`;
  }
}

const NO_ROWS = new Int32Array(0);

/** A new float tensor for an op's output, from the arena when one is active. */
export function emptyLike(dtype: ComputeDType, shape: readonly number[], zeroed = false): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape), zeroed), shape, { dtype });
}

/** Whether record() will attach a graph edge for these inputs: an op saves what its backward needs only then. */
export function willRecord(inputs: readonly Tensor[]): boolean {
  return gradEnabled && inputs.some((input) => input.requiresGrad);
}

/** Attaches the graph edge when grad mode is on and an input needs a gradient. */
export function record(output: Tensor, op: string, inputs: readonly Tensor[], backward: (output: Tensor) => void): Tensor {
  if (!willRecord(inputs)) return output;
  output.requiresGrad = true;
  output.gradFn = { op, inputs, backward };
  return output;
}

/** Reverse-mode pass from a scalar loss (dLoss = 1): each op's backward runs after every use of its output. */
export function backward(loss: Tensor): void {
  if (loss.size !== 1) throw new ShapeError(`backward: loss must be a single value, got ${shapeString(loss.shape)}`);
  if (!loss.requiresGrad) throw new ShapeError('backward: the loss does not depend on any tensor that requires a gradient');
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative post-order DFS: graphs of 24-layer models are deep enough to worry a recursive walk.
  const stack: { tensor: Tensor; next: number }[] = [{ tensor: loss, next: 0 }];
  visited.add(loss);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top.tensor.gradFn?.inputs ?? [];
    if (top.next < inputs.length) {
      const input = inputs[top.next++]!;
      if (input.requiresGrad && !visited.has(input)) {
        visited.add(input);
        stack.push({ tensor: input, next: 0 });
      }
    } else {
      order.push(top.tensor);
      stack.pop();
    }
  }
  loss.ensureGrad()[0] = 1;
  for (let i = order.length - 1; i >= 0; i--) {
    const tensor = order[i]!;
    if (tensor.gradFn !== null && tensor.grad !== null) tensor.gradFn.backward(tensor);
  }
}

/** Checks two shapes are equal or throws naming the op. */
export function assertSameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((dim, i) => dim !== b.shape[i])) {
    throw new ShapeError(`${op}: shapes differ: ${shapeString(a.shape)} and ${shapeString(b.shape)}`);
  }
}

export function assertSameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: dtypes differ: ${a.dtype} and ${b.dtype}`);
}
