/** Digests of what a reader returned: equal digests mean the same tensors, tokens or fields. */
import { createHash } from 'node:crypto';
import type { SafetensorsTensor } from '../../src/io/safetensors.js';
import { toFloat32 } from '../../src/io/safetensors.js';
import { Finding } from './finding.js';

const ARRAYS: Record<SafetensorsTensor['dtype'], Function> = {
  F64: Float64Array, F32: Float32Array, F16: Uint16Array, BF16: Uint16Array, I64: BigInt64Array, I32: Int32Array,
  I16: Int16Array, I8: Int8Array, U64: BigUint64Array, U32: Uint32Array, U16: Uint16Array, U8: Uint8Array, BOOL: Uint8Array,
};

/**
 * Checks a tensor is what its dtype and shape promise (the right typed array, product(shape) elements; float
 * dtypes widen to float32 without error) and digests it. `where` names it in findings.
 */
export function tensorDigest(name: string, tensor: SafetensorsTensor, where: string): string {
  let elements = 1;
  for (const d of tensor.shape) elements *= d;
  if (!(tensor.data instanceof ARRAYS[tensor.dtype])) throw new Finding(`${where}: tensor "${name}" ${tensor.dtype} data is a ${tensor.data.constructor.name}`);
  if (tensor.data.length !== elements) throw new Finding(`${where}: tensor "${name}" has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} elements`);
  if (tensor.dtype === 'F16' || tensor.dtype === 'BF16' || tensor.dtype === 'F64') toFloat32(tensor, name);
  const hash = createHash('sha1');
  hash.update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  return `${name}|${tensor.dtype}|${tensor.shape.join(',')}|${hash.digest('hex')}`;
}

/** A key inside an object, told apart from a string value. */
class Key {
  constructor(readonly name: string) {}
}

/**
 * A digest of any value a reader returns (objects, arrays, typed arrays, numbers, strings, bigints), walked with an
 * explicit stack: a config may keep a value nested 50,000 levels deep, which JSON.stringify cannot handle.
 */
export function textDigest(value: unknown): string {
  const hash = createHash('sha1');
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof Key) hash.update(`k${JSON.stringify(v.name)}`);
    else if (ArrayBuffer.isView(v)) hash.update(`t${v.constructor.name}:${v.byteLength}:`).update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    else if (Array.isArray(v)) {
      hash.update(`[${v.length}`);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      hash.update(`{${keys.length}`);
      for (let i = keys.length - 1; i >= 0; i--) stack.push((v as Record<string, unknown>)[keys[i] as string], new Key(keys[i] as string));
    } else if (typeof v === 'string') hash.update(`s${JSON.stringify(v)}`);
    else if (typeof v === 'number') hash.update(`n${Object.is(v, -0) ? '-0' : String(v)}`);
    else hash.update(`${typeof v}:${String(v)}`);
  }
  return hash.digest('hex');
}
