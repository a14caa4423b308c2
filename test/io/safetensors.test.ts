import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointError } from '../../src/errors.js';
import {
  float32ToBFloat16Bits,
  float32ToFloat16Bits,
  openSafetensors,
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  toFloat32,
  toInt32,
  writeSafetensors,
  type SafetensorsTensor,
} from '../../src/io/safetensors.js';

// Compiled to dist/test/io/, so the repository root is three levels up.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/reference/', import.meta.url));

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-safetensors-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A safetensors image from a raw header string, so tests can write headers the writer would refuse. */
function craft(header: string, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function assertCheckpointError(body: () => unknown, ...fragments: string[]): void {
  assert.throws(body, (error: unknown) => {
    assert.ok(error instanceof CheckpointError, `expected CheckpointError, got ${String(error)}`);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" lacks "${fragment}"`);
    return true;
  });
}

const sample: Record<string, SafetensorsTensor> = {
  'a.f32': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, -2.5, 3e-8, 0, 1e30, -0.125]) },
  'b.i32': { dtype: 'I32', shape: [3], data: new Int32Array([-2147483648, 0, 2147483647]) },
  'c.i64': { dtype: 'I64', shape: [2, 2], data: new BigInt64Array([-100n, 0n, 5n, 2147483647n]) },
  'd.f16': { dtype: 'F16', shape: [3], data: new Uint16Array([0x3c00, 0xc000, 0x0001]) },
  'e.bf16': { dtype: 'BF16', shape: [1, 1], data: new Uint16Array([0x4049]) },
  'f.f64': { dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) },
  'g.u8': { dtype: 'U8', shape: [5], data: new Uint8Array([0, 1, 2, 254, 255]) },
  'h.bool': { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
  'i.empty': { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
};

test('serialize then parse returns every dtype, shape and value unchanged', () => {
  const bytes = serializeSafetensors(sample, { format: 'pt', note: 'round trip' });
  const file = parseSafetensors(bytes, 'memory.safetensors');
  assert.deepEqual(file.metadata, { format: 'pt', note: 'round trip' });
  assert.deepEqual([...file.tensors.keys()].sort(), Object.keys(sample).sort());
  for (const [name, expected] of Object.entries(sample)) {
    const actual = file.get(name);
    assert.equal(actual.dtype, expected.dtype, name);
    assert.deepEqual(actual.shape, expected.shape, name);
    assert.deepEqual([...actual.data], [...expected.data], name);
  }
});

test('the header is space-padded to 8 bytes and every tensor is aligned to its element size', () => {
  const bytes = serializeSafetensors(sample);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + headerLength) % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
    string,
    { dtype: string; data_offsets: [number, number] }
  >;
  const itemsize: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, BF16: 2, U8: 1, BOOL: 1 };
  for (const [name, entry] of Object.entries(header)) {
    assert.equal(entry.data_offsets[0] % (itemsize[entry.dtype] ?? 0), 0, name);
  }
  // Aligned tensors are views on the parsed bytes, not copies.
  const file = parseSafetensors(bytes, 'aligned');
  assert.equal(file.get('a.f32').data.buffer, bytes.buffer);
  assert.equal(toFloat32(file.get('a.f32')).buffer, bytes.buffer);
});

test('tensors at a misaligned byteOffset are copied into aligned arrays with the right values', () => {
  const bytes = serializeSafetensors(sample);
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  const file = parseSafetensors(shifted, 'shifted');
  const f32 = file.get('a.f32');
  assert.notEqual(f32.data.buffer, shifted.buffer);
  assert.deepEqual([...toFloat32(f32)], [...sample['a.f32']!.data]);
  assert.deepEqual([...toInt32(file.get('c.i64'))], [-100, 0, 5, 2147483647]);
});

test('toFloat32 converts F16, BF16 and F64 to the known float32 values', () => {
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555, 0x7c00, 0xfc00, 0x8000]);
  const expected = [1, -2, 65504, 2 ** -24, 2 ** -14, 0.333251953125, Infinity, -Infinity, -0];
  assert.deepEqual([...toFloat32({ dtype: 'F16', shape: [9], data: f16 })], expected);
  assert.ok(Number.isNaN(toFloat32({ dtype: 'F16', shape: [1], data: new Uint16Array([0x7e00]) })[0]));
  const bf16 = new Uint16Array([0x3f80, 0x4049, 0xc2f7, 0x0000, 0x7f80]);
  assert.deepEqual([...toFloat32({ dtype: 'BF16', shape: [5], data: bf16 })], [1, 3.140625, -123.5, 0, Infinity]);
  assert.deepEqual([...toFloat32({ dtype: 'F64', shape: [2], data: new Float64Array([0.5, 1e40]) })], [0.5, Infinity]);
  assertCheckpointError(() => toFloat32({ dtype: 'I32', shape: [1], data: new Int32Array(1) }, 'ids'), 'ids', 'I32');
});

test('float32 → F16 / BF16 rounds to nearest even, like torch', () => {
  const values = new Float32Array([1, -2, 0.1, 65504, 65520, 1e-8, 2 ** -25, 3 * 2 ** -25, 1 + 2 ** -11, NaN]);
  // 65520 is the halfway point to 2^16 and rounds up to Inf; 2^-25 ties to 0; 3·2^-25 rounds to 2^-23.
  const halfBits = [0x3c00, 0xc000, 0x2e66, 0x7bff, 0x7c00, 0x0000, 0x0000, 0x0002, 0x3c00, 0x7e00];
  assert.deepEqual([...float32ToFloat16Bits(values)], halfBits);
  const bfloat = float32ToBFloat16Bits(new Float32Array([1, 0.1, 3.14159, -123.456, 1 + 2 ** -8, 1 + 3 * 2 ** -8]));
  assert.deepEqual([...bfloat], [0x3f80, 0x3dcd, 0x4049, 0xc2f7, 0x3f80, 0x3f82]);
});

test('toInt32 keeps I32 as is, narrows I64 and refuses values outside int32', () => {
  const i32 = new Int32Array([7, -7]);
  assert.equal(toInt32({ dtype: 'I32', shape: [2], data: i32 }), i32);
  assert.deepEqual([...toInt32({ dtype: 'I64', shape: [2], data: new BigInt64Array([-2147483648n, 99n]) })], [-2147483648, 99]);
  assertCheckpointError(
    () => toInt32({ dtype: 'I64', shape: [1], data: new BigInt64Array([2147483648n]) }, 'input_ids'),
    'input_ids',
    '2147483648',
  );
  assertCheckpointError(() => toInt32({ dtype: 'F32', shape: [1], data: new Float32Array(1) }, 'labels'), 'labels');
});

test('writeSafetensors writes atomically and both readers load the file', () => {
  withTempDir((dir) => {
    const path = join(dir, 'model.safetensors');
    writeSafetensors(path, sample, { format: 'pt' });
    writeSafetensors(path, sample); // overwriting goes through the same rename
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    const whole = readSafetensors(path);
    const lazy = openSafetensors(path);
    try {
      assert.deepEqual(lazy.tensorInfos.map((info) => info.name).sort(), Object.keys(sample).sort());
      for (const name of Object.keys(sample)) {
        const eager = whole.get(name);
        const read = lazy.read(name);
        assert.deepEqual(read.shape, eager.shape, name);
        assert.deepEqual([...read.data], [...eager.data], name);
      }
      assertCheckpointError(() => lazy.read('missing'), path, 'missing');
    } finally {
      lazy.close();
    }
    assertCheckpointError(() => lazy.read('a.f32'), 'after close');
  });
});

test('a missing file or directory is a CheckpointError naming the path', () => {
  assertCheckpointError(() => readSafetensors('/nonexistent/x.safetensors'), '/nonexistent/x.safetensors');
  assertCheckpointError(() => openSafetensors('/nonexistent/y.safetensors'), '/nonexistent/y.safetensors');
  assertCheckpointError(() => writeSafetensors('/nonexistent/z.safetensors', sample), '/nonexistent/z.safetensors');
});

test('the writer refuses data that does not match its dtype or shape', () => {
  const one = (tensor: SafetensorsTensor): Record<string, SafetensorsTensor> => ({ w: tensor });
  assertCheckpointError(() => serializeSafetensors(one({ dtype: 'F32', shape: [3], data: new Float32Array(2) }), {}, 'out.st'), 'out.st', '"w"');
  assertCheckpointError(() => serializeSafetensors(one({ dtype: 'F32', shape: [-1], data: new Float32Array(1) })), '"w"');
  // A Uint16Array labelled I64 type-checks only through a widened variable; the writer still catches it.
  const mislabeled: SafetensorsTensor = { dtype: 'F16', shape: [1], data: new Uint16Array(1) };
  Object.assign(mislabeled, { dtype: 'I64' });
  assertCheckpointError(() => serializeSafetensors(one(mislabeled)), 'I64');
});

const F32x2 = new Uint8Array(8);
const DEEP = '['.repeat(50_000) + ']'.repeat(50_000);
const badFiles: [string, Uint8Array, string][] = [
  ['shorter than 8 bytes', new Uint8Array(5), 'too short'],
  ['header length beyond the file', craft('{}', new Uint8Array(0), 1000n), 'past the end'],
  ['absurd header length', craft('{}', new Uint8Array(0), 1n << 62n), 'limit'],
  ['invalid JSON', craft('{"a": '), 'JSON'],
  ['invalid UTF-8', craft('{"xx":1}').map((b, i) => (i === 10 ? 0xff : b)), 'UTF-8'],
  ['a JSON array header', craft('[1, 2]'), 'not a JSON object'],
  ['a null header', craft('null'), 'not a JSON object'],
  ['a non-object entry', craft('{"w": 3}'), '"w"'],
  ['unknown dtype', craft('{"w":{"dtype":"F128","shape":[2],"data_offsets":[0,8]}}', F32x2), 'F128'],
  ['negative dim', craft('{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', F32x2), 'shape'],
  ['fractional dim', craft('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}', F32x2), 'shape'],
  ['byte size ≠ shape', craft('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', F32x2), 'needs 12 bytes'],
  ['offsets past the data', craft('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', F32x2), 'outside'],
  ['begin after end', craft('{"w":{"dtype":"U8","shape":[0],"data_offsets":[8,4]}}', F32x2), 'outside'],
  ['malformed offsets', craft('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}', F32x2), 'data_offsets'],
  [
    'overlapping tensors',
    craft(
      '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      F32x2,
    ),
    'overlaps',
  ],
  ['a hole', craft('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', F32x2), 'holes'],
  ['trailing bytes', craft('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', F32x2), 'after the last tensor'],
  ['non-string metadata', craft('{"__metadata__":{"step":3}}'), 'metadata'],
  // Found by npm run fuzz: the messages quoted these with JSON.stringify, which overflows the stack 50,000 levels down.
  ['a shape nested 50,000 deep', craft(`{"w":{"dtype":"F32","shape":${DEEP},"data_offsets":[0,8]}}`, F32x2), 'shape [[[...]]] is not a list'],
  ['a dtype nested 50,000 deep', craft(`{"w":{"dtype":${DEEP},"shape":[2],"data_offsets":[0,8]}}`, F32x2), 'unknown or unsupported dtype [[[...]]]'],
  ['data_offsets nested 50,000 deep', craft(`{"w":{"dtype":"F32","shape":[2],"data_offsets":${DEEP}}}`, F32x2), 'data_offsets [[[...]]] is not [begin, end]'],
];

for (const [what, bytes, fragment] of badFiles) {
  test(`a file with ${what} is a CheckpointError naming the file`, () => {
    assertCheckpointError(() => parseSafetensors(bytes, 'bad.safetensors'), 'bad.safetensors', fragment);
    withTempDir((dir) => {
      const path = join(dir, 'bad-on-disk.safetensors');
      writeFileSync(path, bytes);
      assertCheckpointError(() => readSafetensors(path), path, fragment);
      assertCheckpointError(() => openSafetensors(path).close(), path, fragment);
    });
  });
}

test('corrupted and truncated files only ever raise CheckpointError', () => {
  const good = serializeSafetensors(sample, { format: 'pt' });
  let state = 12345;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648; // fixed LCG: the same corruptions every run
    return state;
  };
  for (let trial = 0; trial < 500; trial++) {
    const bytes = good.slice(0, trial % 3 === 0 ? next() % good.length : good.length);
    for (let flips = 0; flips < 3 && bytes.length > 0; flips++) bytes[next() % bytes.length] = next() % 256;
    try {
      parseSafetensors(bytes, 'fuzz');
    } catch (error) {
      assert.ok(error instanceof CheckpointError, `trial ${trial}: ${String(error)}`);
    }
  }
});

test('a file written by the Python reference writer loads with the expected values', (t) => {
  const path = join(FIXTURES, 'dtypes.safetensors');
  if (!existsSync(path)) {
    t.skip(`fixture ${path} not generated yet (reference/make_fixtures.py)`);
    return;
  }
  const file = readSafetensors(path);
  // dtypes.safetensors holds the same values in several dtypes, converted by torch itself.
  const reference = toFloat32(file.get('values.f32'));
  for (const name of ['values.f16', 'values.bf16', 'values.f64']) {
    const converted = toFloat32(file.get(name), name);
    const fromTorch = toFloat32(file.get(`${name}.as_f32`), name);
    assert.deepEqual([...converted], [...fromTorch], name);
  }
  assert.deepEqual([...float32ToFloat16Bits(reference)], [...file.get('values.f16').data]);
  assert.deepEqual([...float32ToBFloat16Bits(reference)], [...file.get('values.bf16').data]);
  assert.deepEqual([...toInt32(file.get('ids.i64'))], [...toInt32(file.get('ids.i32'))]);
});
