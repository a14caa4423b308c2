/**
 * pytorch_model.bin against what torch.save wrote (reference/make_pytorch_bin.py → test/fixtures/reference/): the
 * tensors equal bert-tiny's safetensors weights bit for bit (through storage offsets, transposed views and a shared
 * storage), a model loaded from the bin computes exactly what the safetensors one does, half-precision storages
 * widen as the safetensors converters do, and damaged or hostile archives are CheckpointErrors naming the file.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '../../src/errors.js';
import { openPytorchBin } from '../../src/io/pytorch-bin.js';
import { float32ToBFloat16Bits, float32ToFloat16Bits, readSafetensors, toFloat32 } from '../../src/io/safetensors.js';
import { unpickleStateDict } from '../../src/io/state-dict-unpickler.js';
import { crc32, crc32Portable, ZipArchive } from '../../src/io/zip-archive.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { zipLayout } from '../fuzz/mutators/zip-layout.js';
import { writeZip } from '../fuzz/mutators/zip-writer.js';
import { fixturePath, pretrainingInputs, readFixture } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const TINY = fixturePath('reference', 'bert-tiny');
const TINY_BIN = fixturePath('reference', 'bert-tiny-bin');
const TINY_HALF = fixturePath('reference', 'bert-tiny-bin-half');
const TINY_LEGACY = fixturePath('reference', 'bert-tiny-bin-legacy');
const CORRUPT = fixturePath('reference', 'pytorch-bin-corrupt');

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-pytorch-bin-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens and reads every tensor: the whole path a load takes. */
function readAll(path: string): Map<string, number[]> {
  const reader = openPytorchBin(path);
  try {
    const out = new Map<string, number[]>();
    for (const info of reader.tensorInfos) out.set(info.name, [...toFloat32(reader.read(info.name), info.name)]);
    return out;
  } finally {
    reader.close();
  }
}

/** The call must throw a CheckpointError whose message names `file` and matches `pattern`. */
function assertCheckpointError(call: () => unknown, file: string, pattern: RegExp): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof CheckpointError, `expected a CheckpointError, got ${String(error)}`);
    assert.ok(error.message.includes(file), `message does not name ${file}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test('every tensor of the bin equals the safetensors weight bit for bit (offsets, transposed views, shared storage)', () => {
  const expected = readSafetensors(join(TINY, 'model.safetensors'));
  const reader = openPytorchBin(join(TINY_BIN, 'pytorch_model.bin'));
  try {
    const infos = new Map(reader.tensorInfos.map((info) => [info.name, info]));
    assert.equal(infos.size, expected.tensors.size + 2, 'the 46 weights, position_ids and the tied decoder');
    for (const [name, tensor] of expected.tensors) {
      const actual = reader.read(name);
      assert.equal(actual.dtype, 'F32', name);
      assert.deepEqual(actual.shape, tensor.shape, name);
      assert.deepEqual(new Uint8Array(actual.data.buffer), new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), name);
    }
    const decoder = reader.read('cls.predictions.decoder.weight');
    assert.deepEqual(decoder.data, expected.get('bert.embeddings.word_embeddings.weight').data, 'the tied decoder shares the embeddings');
    const positions = reader.read('bert.embeddings.position_ids');
    assert.equal(positions.dtype, 'I64');
    assert.deepEqual(positions.shape, [1, 40]);
    assert.deepEqual([...positions.data], Array.from({ length: 40 }, (_, i) => BigInt(i)));
  } finally {
    reader.close();
  }
});

test('BertForPreTraining from pytorch_model.bin computes exactly what it computes from model.safetensors', () => {
  const golden = readFixture('reference', 'bert-tiny', 'golden.safetensors');
  const inputs = pretrainingInputs(golden);
  const fromBin = BertForPreTraining.fromPretrained(TINY_BIN);
  const fromSafetensors = BertForPreTraining.fromPretrained(TINY);
  // position_ids and the tied decoder weight are known-ignorable keys, so nothing is reported.
  assert.deepEqual(fromBin.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
  const a = fromBin.forward(inputs, { outputHiddenStates: true });
  const b = fromSafetensors.forward(inputs, { outputHiddenStates: true });
  const pairs: [string, Tensor, Tensor][] = [
    ['last_hidden_state', a.lastHiddenState, b.lastHiddenState],
    ['pooler_output', a.poolerOutput, b.poolerOutput],
    ['prediction_logits', a.predictionLogits, b.predictionLogits],
    ['seq_relationship_logits', a.seqRelationshipLogits, b.seqRelationshipLogits],
    ['loss', a.loss!, b.loss!],
  ];
  for (const [name, x, y] of pairs) {
    assert.deepEqual([...x.shape], [...y.shape], name);
    assert.deepEqual(x.data, y.data, `${name} differs between the bin and the safetensors model`);
  }
});

test('float16 and bfloat16 storages load as the safetensors converters round the float32 weights', () => {
  const expected = readSafetensors(join(TINY, 'model.safetensors'));
  const reader = openPytorchBin(join(TINY_HALF, 'pytorch_model.bin'));
  const dtypes = new Map(reader.tensorInfos.map((info) => [info.name, info.dtype]));
  reader.close();
  assert.equal(dtypes.get('bert.embeddings.word_embeddings.weight'), 'F16');
  assert.equal(dtypes.get('bert.encoder.layer.1.output.dense.weight'), 'BF16');
  const model = BertForPreTraining.fromPretrained(TINY_HALF);
  assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
  const params = new Map(model.namedParameters());
  for (const [name, tensor] of expected.tensors) {
    const f32 = toFloat32(tensor, name);
    const dtype = dtypes.get(name);
    const rounded =
      dtype === 'F16'
        ? toFloat32({ dtype: 'F16', shape: tensor.shape, data: float32ToFloat16Bits(f32) })
        : toFloat32({ dtype: 'BF16', shape: tensor.shape, data: float32ToBFloat16Bits(f32) });
    assert.deepEqual(params.get(name)!.data, rounded, `${name} (${dtype})`);
  }
});

test('the legacy (pre-1.6) torch.save format loads: float16 storages, offsets, transposed views, a tied storage', () => {
  const expected = readSafetensors(join(TINY, 'model.safetensors'));
  const reader = openPytorchBin(join(TINY_LEGACY, 'pytorch_model.bin'));
  try {
    assert.equal(reader.tensorInfos.length, expected.tensors.size + 2);
    assert.deepEqual([...reader.read('bert.embeddings.position_ids').data], Array.from({ length: 40 }, (_, i) => BigInt(i)));
  } finally {
    reader.close();
  }
  const model = BertForPreTraining.fromPretrained(TINY_LEGACY);
  assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
  const params = new Map(model.namedParameters());
  for (const [name, tensor] of expected.tensors) {
    const rounded = toFloat32({ dtype: 'F16', shape: tensor.shape, data: float32ToFloat16Bits(toFloat32(tensor, name)) });
    assert.deepEqual(params.get(name)!.data, rounded, name);
  }
});

test('a small file reads its view at an offset: ZIP stored, ZIP deflated, legacy', () => {
  for (const file of ['valid.bin', 'valid-deflate.bin', 'valid-legacy.bin']) {
    assert.deepEqual(readAll(join(CORRUPT, file)), new Map([['w', [1, 2, 3]]]), file);
  }
});

test('forbidden globals are refused before anything runs: os.system, builtins.eval (pickled as posix.system, __builtin__.eval)', () => {
  for (const [file, global] of [['forbidden-os-system.bin', /forbidden global posix\.system/], ['forbidden-eval.bin', /forbidden global __builtin__\.eval/]] as const) {
    const path = join(CORRUPT, file);
    assertCheckpointError(() => openPytorchBin(path), path, global);
  }
  // Through the model loader too: a folder whose only weights are hostile.
  withTempDir((dir) => {
    copyFileSync(join(TINY, 'config.json'), join(dir, 'config.json'));
    copyFileSync(join(CORRUPT, 'forbidden-os-system.bin'), join(dir, 'pytorch_model.bin'));
    assertCheckpointError(() => BertForPreTraining.fromPretrained(dir), join(dir, 'pytorch_model.bin'), /forbidden global/);
  });
});

test('a missing storage entry, a view past its storage and a storage past its entry are refused, naming the tensor', () => {
  const cases = [
    ['missing-storage.bin', /tensor "w": storage entry "archive\/data\/1" is missing/],
    ['past-storage.bin', /tensor "w": size \[2, 2\], stride \[2, 1\] at offset 1 reaches element 4, past the end of its 4-element storage/],
    ['short-storage.bin', /tensor "w": storage "0" claims 8 F32 elements, its storage entry "archive\/data\/0" holds 16 bytes/],
  ] as const;
  for (const [file, pattern] of cases) {
    const path = join(CORRUPT, file);
    assertCheckpointError(() => openPytorchBin(path), path, pattern);
  }
});

test('every truncation of a file is a CheckpointError naming the file (ZIP and legacy)', () => {
  for (const file of ['valid.bin', 'valid-legacy.bin']) {
    const bytes = readFileSync(join(CORRUPT, file));
    withTempDir((dir) => {
      const path = join(dir, 'pytorch_model.bin');
      for (let length = 0; length < bytes.length; length++) {
        writeFileSync(path, bytes.subarray(0, length));
        assertCheckpointError(() => readAll(path), path, /./);
      }
    });
  }
});

test('a file that is neither a ZIP archive nor a legacy torch.save file is refused', () => {
  withTempDir((dir) => {
    const path = join(dir, 'pytorch_model.bin');
    writeFileSync(path, '{"not": "a checkpoint"}');
    assertCheckpointError(() => openPytorchBin(path), path, /not a PyTorch checkpoint/);
  });
});

test('a damaged central directory, local header or storage is a CheckpointError naming the file', () => {
  const bytes = readFileSync(join(CORRUPT, 'valid.bin'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = bytes.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  const cdOffset = view.getUint32(eocd + 16, true);
  const storage = bytes.indexOf(Buffer.from(new Float32Array([0, 1, 2, 3]).buffer));
  const damage: [string, (b: Buffer) => void, RegExp][] = [
    ['central directory signature', (b) => b.writeUInt32LE(0x12345678, cdOffset), /central directory entry 0: bad signature/],
    ['central directory offset past its end', (b) => b.writeUInt32LE(bytes.length, eocd + 16), /central directory .* overlaps/],
    ['entry count', (b) => b.writeUInt16LE(200, eocd + 10), /cannot hold 200 entries/],
    ['local header offset', (b) => b.writeUInt32LE(cdOffset - 10, cdOffset + 42), /data.pkl.*(local header|overlaps)/],
    ['storage bytes', (b) => b.writeFloatLE(7, storage + 4), /entry "archive\/data\/0": CRC-32 mismatch/],
    ['compression method', (b) => b.writeUInt16LE(12, cdOffset + 10), /compression method 12 is not supported/],
  ];
  withTempDir((dir) => {
    const path = join(dir, 'pytorch_model.bin');
    for (const [what, corrupt, pattern] of damage) {
      const copy = Buffer.from(bytes);
      corrupt(copy);
      writeFileSync(path, copy);
      assertCheckpointError(() => readAll(path), path, pattern);
    }
  });
});

test('any single damaged byte is read correctly or refused with a CheckpointError, never a crash', () => {
  // ZIP entries carry CRC-32s, so a damaged ZIP must read exactly or fail; the legacy format has no checksum, so a
  // damaged name or value may read as something else, but never crash or read out of bounds.
  for (const [file, checksummed] of [['valid-deflate.bin', true], ['valid-legacy.bin', false]] as const) {
    const bytes = readFileSync(join(CORRUPT, file));
    withTempDir((dir) => {
      const path = join(dir, 'pytorch_model.bin');
      for (let at = 0; at < bytes.length; at++) {
        for (const value of [0x00, 0xff, bytes[at]! ^ 0x01]) {
          const copy = Buffer.from(bytes);
          copy[at] = value;
          writeFileSync(path, copy);
          let result: Map<string, number[]> | undefined;
          try {
            result = readAll(path);
          } catch (error) {
            assert.ok(error instanceof CheckpointError, `${file}: byte ${at} = ${value}: ${String(error)}`);
          }
          if (result !== undefined && checksummed) assert.deepEqual(result, new Map([['w', [1, 2, 3]]]), `${file}: byte ${at} = ${value}`);
        }
      }
    });
  }
});

test('CRC-32: the check value of "123456789" is 0xCBF43926, portable loop and zlib alike, on every tail length', () => {
  const check = new TextEncoder().encode('123456789');
  assert.equal(crc32Portable(check), 0xcbf43926);
  assert.equal(crc32(check), 0xcbf43926);
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 24);
  // A byte-at-a-time reference, so the four-byte steps and every tail length (0-3) are checked against it.
  let reference = 0xffffffff;
  for (let n = 0; n <= 40; n++) {
    assert.equal(crc32Portable(bytes.subarray(0, n)), (reference ^ 0xffffffff) >>> 0, `length ${n}`);
    reference = crcStep(reference, bytes[n]!);
  }
  assert.equal(crc32Portable(bytes), crc32(bytes));
});

function crcStep(c: number, byte: number): number {
  c ^= byte;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
}

test('the unpickler refuses every truncated pickle and opcodes a state dict does not use', () => {
  // valid.bin's pickle: OrderedDict w → _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 4), 1, (3,), (1,), False, OrderedDict()).
  const zip = ZipArchive.open(join(CORRUPT, 'valid.bin'));
  const pickle = zip.read(zip.entries.get('archive/data.pkl')!);
  zip.close();
  assert.equal(unpickleStateDict(pickle, 'test').get('w')?.offset, 1);
  for (let length = 0; length < pickle.length; length++) {
    assert.throws(() => unpickleStateDict(pickle.subarray(0, length), 'test'), CheckpointError, `length ${length}`);
  }
  const hostile: [string, number[], RegExp][] = [
    ['INST', [0x80, 0x02, ...Buffer.from('ios\nsystem\n'), 0x2e], /opcode 0x69 is not allowed/],
    ['STACK_GLOBAL', [0x80, 0x04, 0x8c, 0x02, ...Buffer.from('os'), 0x8c, 0x06, ...Buffer.from('system'), 0x93, 0x2e], /forbidden global os\.system/],
    ['a list, not a dict', [0x80, 0x02, 0x5d, 0x2e], /holds a list, not a state dict/],
    ['BINGET of an empty memo slot', [0x80, 0x02, 0x68, 0x07, 0x2e], /memo slot 7 is empty/],
    // 300k items in one APPENDS (a spread that long would overflow the call stack), then a list where a dict belongs.
    ['a huge APPENDS', [0x80, 0x02, 0x5d, 0x28, ...new Array<number>(300_000).fill(0x4e), 0x65, 0x2e], /holds a list, not a state dict/],
  ];
  for (const [what, bytes, pattern] of hostile) {
    assert.throws(() => unpickleStateDict(Uint8Array.from(bytes), 'test'), (error: unknown) => error instanceof CheckpointError && pattern.test(error.message), what);
  }
});

/** `bytes` with the one occurrence of `from` replaced by `to`. */
function replaceOnce(bytes: Uint8Array, from: readonly number[], to: readonly number[]): Uint8Array {
  const at = Buffer.from(bytes).indexOf(Buffer.from(from));
  assert.ok(at >= 0 && Buffer.from(bytes).indexOf(Buffer.from(from), at + 1) < 0, 'pattern occurs exactly once');
  return Buffer.concat([bytes.subarray(0, at), Uint8Array.from(to), bytes.subarray(at + from.length)]);
}

test('deflated storage entries read exactly the view, not the inflater\'s whole buffer (found by npm run fuzz)', () => {
  // zlib hands back small entries as a Buffer over a 16 KiB chunk; slicing it gave a view, and its .buffer all
  // 16 KiB: "w" read as 4096 floats from byte 0 instead of its 3 from the storage offset.
  withTempDir((dir) => {
    const path = join(dir, 'pytorch_model.bin');
    writeFileSync(path, writeZip(zipLayout(readFileSync(join(CORRUPT, 'valid.bin'))).entries, { deflate: true, zip64: true }));
    const zip = ZipArchive.open(path);
    assert.ok([...zip.entries.values()].every((entry) => entry.method === 8));
    zip.close();
    assert.deepEqual(readAll(path), new Map([['w', [1, 2, 3]]]));
  });
});

test('a broadcast view (stride 0) larger than its storage is refused on open, ZIP and legacy (found by npm run fuzz)', () => {
  // valid.bin's "w" is BINPERSID, offset 1, size (3,), stride (1,); as size (2^30,), stride (0,) a 4-element storage
  // described a 4 GiB tensor that read() allocated and filled one element at a time.
  const view = [0x51, 0x4b, 0x01, 0x4b, 0x03, 0x85, 0x71, 0x09, 0x4b, 0x01, 0x85];
  const broadcast = [0x51, 0x4b, 0x01, 0x4a, 0x00, 0x00, 0x00, 0x40, 0x85, 0x71, 0x09, 0x4b, 0x00, 0x85];
  withTempDir((dir) => {
    const zipPath = join(dir, 'zip.bin');
    const entries = zipLayout(readFileSync(join(CORRUPT, 'valid.bin'))).entries.map((entry) => (entry.name.endsWith('data.pkl') ? { ...entry, data: replaceOnce(entry.data, view, broadcast) } : entry));
    writeFileSync(zipPath, writeZip(entries));
    const legacyPath = join(dir, 'legacy.bin');
    writeFileSync(legacyPath, replaceOnce(readFileSync(join(CORRUPT, 'valid-legacy.bin')), view, broadcast));
    for (const path of [zipPath, legacyPath]) {
      assertCheckpointError(() => openPytorchBin(path), path, /tensor "w": size \[1073741824\], stride \[0\] has 1073741824 elements, more than its 4-element storage/);
    }
  });
});
