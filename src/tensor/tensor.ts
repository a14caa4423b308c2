import { DTypeError, ShapeError, shapeString } from '../errors.js';
import type { FloatArray } from '../backend/backend.js';
import { allocate, newBuffer, type DType, type FloatDType, type TypedData } from './arena.js';

/** How an op's output gets its inputs' gradients: `backward` reads `output.grad` and accumulates into inputs. */
export interface GradFn {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  backward(output: Tensor): void;
}

let gradEnabled = true;

/** Runs fn without recording the graph (inference, evaluation). */
export function noGrad<T>(fn: () => T): T {
  const outer = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = outer;
  }
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/**
 * An n-dimensional row-major array: float32 (model math), float64 (finite-difference checks) or int32 (ids,
 * labels). Leaf tensors with requiresGrad are parameters; their grad buffers live outside any arena.
 */
export class Tensor {
  readonly data: TypedData;
  readonly shape: readonly number[];
  readonly dtype: DType;
  requiresGrad: boolean;
  grad: FloatArray | null = null;
  gradFn: GradFn | null = null;

  constructor(data: TypedData, shape: readonly number[], requiresGrad = false) {
    for (const dim of shape) {
      if (!Number.isInteger(dim) || dim < 0) throw new ShapeError(`Tensor: invalid shape ${shapeString(shape)}`);
    }
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`Tensor: shape ${shapeString(shape)} holds ${sizeOf(shape)} values but the data has ${data.length}`);
    }
    this.data = data;
    this.shape = shape;
    this.dtype = data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : 'int32';
    if (requiresGrad && this.dtype === 'int32') throw new DTypeError('Tensor: an int32 tensor cannot require a gradient');
    this.requiresGrad = requiresGrad;
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return new Tensor(newBuffer(dtype, sizeOf(shape)), shape);
  }

  static fromArray(values: ArrayLike<number>, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const data = newBuffer(dtype, values.length);
    data.set(values);
    return new Tensor(data, shape);
  }

  get size(): number {
    return this.data.length;
  }

  /** The data as floats, or a DTypeError naming the op that needed them. */
  floats(op: string): FloatArray {
    if (this.data instanceof Int32Array) throw new DTypeError(`${op}: expected a float tensor, got int32 ${shapeString(this.shape)}`);
    return this.data;
  }

  ints(op: string): Int32Array {
    if (!(this.data instanceof Int32Array)) throw new DTypeError(`${op}: expected an int32 tensor, got ${this.dtype} ${shapeString(this.shape)}`);
    return this.data;
  }

  /** The gradient buffer, created zeroed on first use: in the arena for intermediates, outside it for leaves. */
  ensureGrad(): FloatArray {
    if (this.grad === null) {
      const dtype = this.dtype as FloatDType;
      this.grad = (this.gradFn === null ? newBuffer(dtype, this.size) : allocate(dtype, this.size, true)) as FloatArray;
    }
    return this.grad;
  }

  zeroGrad(): void {
    this.grad?.fill(0);
  }

  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: tensor has ${this.size} values ${shapeString(this.shape)}, expected 1`);
    return this.data[0]!;
  }

  toString(): string {
    return `Tensor(${this.dtype} ${shapeString(this.shape)})`;
  }
}

/** A new float tensor for an op's output, from the arena when one is active. */
export function emptyLike(dtype: FloatDType, shape: readonly number[], zeroed = false): Tensor {
  return new Tensor(allocate(dtype, sizeOf(shape), zeroed), shape);
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
