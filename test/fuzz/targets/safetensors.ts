/**
 * safetensors, read both ways the library offers: parseSafetensors on the whole image and SafetensorsReader tensor by
 * tensor. The two must agree on every input (same tensors, or both a CheckpointError).
 */
import { readFileSync } from 'node:fs';
import { CheckpointError } from '../../../src/errors.js';
import { openSafetensors, parseSafetensors, serializeSafetensors } from '../../../src/io/safetensors.js';
import { tensorDigest, textDigest } from '../digest.js';
import { Finding } from '../finding.js';
import { mutateSafetensors } from '../mutators/safetensors.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';
import { fixtureSeed } from './seeds.js';

function parseWhole(path: string): string {
  const file = parseSafetensors(new Uint8Array(readFileSync(path)), path);
  const parts = [...file.tensors].map(([name, tensor]) => tensorDigest(name, tensor, 'parseSafetensors'));
  return textDigest([file.metadata, parts]);
}

function readLazily(path: string): string {
  const reader = openSafetensors(path);
  try {
    const parts = reader.tensorInfos.map((info) => tensorDigest(info.name, reader.read(info.name), 'SafetensorsReader'));
    return textDigest([reader.metadata, parts]);
  } finally {
    reader.close();
  }
}

type Attempt = { digest: string } | { error: unknown };

function attempt(read: () => string): Attempt {
  try {
    return { digest: read() };
  } catch (error) {
    return { error };
  }
}

/** Every element type, a scalar, an empty tensor and metadata, in the writer's layout. */
function allDtypes(): Uint8Array {
  return serializeSafetensors({
    f64: { dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) },
    f32: { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2.5, 3e-8, 0, 1e30, -0.125]) },
    f16: { dtype: 'F16', shape: [3], data: new Uint16Array([0x3c00, 0xc000, 0x7c00]) },
    bf16: { dtype: 'BF16', shape: [1, 1], data: new Uint16Array([0x4049]) },
    i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-1n, 2n ** 62n]) },
    i32: { dtype: 'I32', shape: [3], data: new Int32Array([-2147483648, 0, 2147483647]) },
    u8: { dtype: 'U8', shape: [5], data: new Uint8Array([0, 1, 2, 254, 255]) },
    bool: { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
    empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
  }, { format: 'pt', note: 'fuzz seed' });
}

export const safetensorsTarget: TargetFactory = {
  name: 'safetensors',
  summary: 'model.safetensors via parseSafetensors and SafetensorsReader (src/io/safetensors.ts)',
  create: () => ({
    name: 'safetensors',
    fileName: 'model.safetensors',
    errorClass: CheckpointError,
    companions: {},
    seeds: [
      fixtureSeed('bert-tiny', 'model.safetensors'),
      fixtureSeed('dtypes.safetensors'),
      fixtureSeed('adamw.safetensors'),
      { label: 'all-dtypes.safetensors', bytes: allDtypes() },
    ],
    mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => mutateSafetensors(bytes, rng)),
    read(path) {
      const whole = attempt(() => parseWhole(path));
      const lazy = attempt(() => readLazily(path));
      for (const result of [whole, lazy]) if ('error' in result && !(result.error instanceof CheckpointError)) throw result.error;
      if ('error' in whole && 'error' in lazy) throw whole.error;
      if ('error' in whole || 'error' in lazy) {
        const [failed, error] = 'error' in whole ? ['parseSafetensors', whole.error] : ['SafetensorsReader', (lazy as { error: unknown }).error];
        throw new Finding(`only ${failed} rejects the file: ${(error as Error).message}`);
      }
      if (whole.digest !== (lazy as { digest: string }).digest) throw new Finding('parseSafetensors and SafetensorsReader read different tensors');
      return whole.digest;
    },
  }),
};
