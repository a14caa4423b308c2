import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../src/errors.js';
import { createShardInstances, newInstanceCounts, type ShardOptions } from '../../src/pretrain/create-pretraining-data.js';
import {
  HEADER_BYTES,
  InstanceDataset,
  InstanceFile,
  InstanceFileWriter,
  vocabFingerprint,
  type InstanceFileSettings,
  type StoredInstance,
} from '../../src/pretrain/instance-file.js';
import { Rng } from '../../src/tensor/rng.js';
import { bertTokenizer, brownTokenized } from './data-helpers.js';

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-instances-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function settings(vocabSize = bertTokenizer().vocabSize): InstanceFileSettings {
  const t = bertTokenizer();
  return {
    maxSeqLength: 128, vocabSize, vocabHash: vocabFingerprint(t.vocab.tokens), clsId: t.clsTokenId, sepId: t.sepTokenId,
    maskId: t.maskTokenId, padId: t.padTokenId, staticMasks: true, wholeWordMask: false, doLowerCase: true,
    maskedLmProb: 0.15, maxPredictionsPerSeq: 20, shortSeqProb: 0.1, dupeFactor: 1, seed: 12345,
  };
}

function brownInstances(count = 300): StoredInstance[] {
  const t = bertTokenizer();
  const options: ShardOptions = {
    maxSeqLength: 128, shortSeqProb: 0.1, dupeFactor: 1, clsId: t.clsTokenId, sepId: t.sepTokenId,
    masking: { maskedLmProb: 0.15, maxPredictionsPerSeq: 20, clsId: t.clsTokenId, sepId: t.sepTokenId, maskId: t.maskTokenId, vocabSize: t.vocabSize },
  };
  return createShardInstances(brownTokenized().slice(0, 60), options, new Rng(9), newInstanceCounts()).slice(0, count);
}

function write(path: string, instances: readonly StoredInstance[], s = settings()): void {
  const writer = new InstanceFileWriter(path, s);
  for (const x of instances) writer.append(x);
  writer.finish();
}

function rejects(path: string, pattern: RegExp): void {
  assert.throws(() => InstanceFile.open(path), (e: unknown) => e instanceof DataError && e.message.includes(path) && pattern.test(e.message),
    `expected a DataError naming ${path} and matching ${pattern}`);
}

test('write → read gives back every instance exactly, in order, with masks applied for the model', () => {
  withDir((dir) => {
    const path = join(dir, 'a.tsbpt');
    const xs = brownInstances();
    write(path, xs);
    assert.deepEqual(readdirSync(dir), ['a.tsbpt'], 'no temporary file left behind');
    const file = InstanceFile.open(path);
    assert.equal(file.length, xs.length);
    assert.equal(file.header.idBytes, 2);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const y = file.get(i);
      assert.deepEqual(y.originalIds, x.originalIds);
      assert.equal(y.lengthA, x.lengthA);
      assert.deepEqual(y.maskedPositions, x.maskedPositions);
      assert.deepEqual(y.maskedInputIds, x.maskedInputIds);
      assert.equal(y.nextSentenceLabel, x.nextSentenceLabel);
      for (let k = 0; k < y.maskedPositions.length; k++) {
        assert.equal(y.inputIds[y.maskedPositions[k]!], x.maskedInputIds[k]);
        assert.equal(y.maskedLmIds[k], x.originalIds[y.maskedPositions[k]!]);
      }
      assert.equal(y.tokenTypeIds[x.lengthA + 1], 0);
      assert.equal(y.tokenTypeIds[x.lengthA + 2], 1);
    }
    // Compact: 2-byte ids plus a 16-byte index entry per instance.
    let tokens = 0;
    let predictions = 0;
    for (const x of xs) { tokens += x.originalIds.length; predictions += x.maskedPositions.length; }
    assert.equal(statSync(path).size, HEADER_BYTES + 2 * tokens + 4 * predictions + 16 * xs.length);
    assert.throws(() => file.get(xs.length), DataError);
    file.close();
  });
});

test('a vocabulary over 65,536 ids is stored with 4-byte ids', () => {
  withDir((dir) => {
    const path = join(dir, 'wide.tsbpt');
    const x: StoredInstance = { originalIds: Int32Array.of(101, 70_000, 102, 99_999, 102), lengthA: 1, maskedPositions: Int32Array.of(1), maskedInputIds: Int32Array.of(103), nextSentenceLabel: 1 };
    write(path, [x], settings(100_000));
    const file = InstanceFile.open(path);
    assert.equal(file.header.idBytes, 4);
    assert.deepEqual(file.get(0).originalIds, x.originalIds);
    assert.deepEqual(file.get(0).inputIds, Int32Array.of(101, 103, 102, 99_999, 102));
    file.close();
  });
});

test('bad files are DataErrors naming the file: wrong magic, other version, truncation, bad offsets, ids outside the vocabulary', () => {
  withDir((dir) => {
    const good = join(dir, 'good.tsbpt');
    write(good, brownInstances(20));
    const bytes = readFileSync(good);
    const variant = (name: string, edit: (b: Buffer) => Buffer): string => {
      const path = join(dir, name);
      writeFileSync(path, edit(Buffer.from(bytes)));
      return path;
    };
    rejects(variant('magic.tsbpt', (b) => { b.write('NOTBERT!', 0, 'latin1'); return b; }), /magic/);
    rejects(variant('version.tsbpt', (b) => { b.writeUInt32LE(2, 8); return b; }), /version 2/);
    rejects(variant('short.tsbpt', (b) => b.subarray(0, 60)), /shorter than the 128-byte header/);
    rejects(variant('cut.tsbpt', (b) => b.subarray(0, b.length - 5)), /truncated|outside/);
    rejects(variant('count.tsbpt', (b) => { b.writeBigUInt64LE(21n, 80); return b; }), /index|file has/);
    const indexOffset = Number(bytes.readBigUInt64LE(88));
    rejects(variant('offset.tsbpt', (b) => { b.writeBigUInt64LE(BigInt(indexOffset + 4), indexOffset + 16); return b; }), /instance 1 starts at byte/);
    rejects(variant('length.tsbpt', (b) => { b.writeUInt16LE(500, indexOffset + 8); return b; }), /instance 0 has 500 tokens/);
    rejects(variant('label.tsbpt', (b) => { b.writeUInt8(7, indexOffset + 14); return b; }), /label 7/);
    const badId = variant('id.tsbpt', (b) => { b.writeUInt16LE(65_000, HEADER_BYTES + 2); return b; });
    const file = InstanceFile.open(badId);
    assert.throws(() => file.get(0), (e: unknown) => e instanceof DataError && e.message.includes(badId) && /outside the vocabulary/.test(e.message));
    file.close();
    assert.throws(() => InstanceFile.open(join(dir, 'missing.tsbpt')), (e: unknown) => e instanceof DataError && /no such file/.test(e.message));
  });
});

test('an aborted writer leaves nothing; a writer refuses instances too long or with ids outside the vocabulary', () => {
  withDir((dir) => {
    const path = join(dir, 'x.tsbpt');
    const writer = new InstanceFileWriter(path, settings());
    assert.throws(() => writer.append({ originalIds: new Int32Array(129).fill(5), lengthA: 1, maskedPositions: new Int32Array(0), maskedInputIds: new Int32Array(0), nextSentenceLabel: 0 }), /over maxSeqLength/);
    assert.throws(() => writer.append({ originalIds: Int32Array.of(101, 40_000, 102, 5, 102), lengthA: 1, maskedPositions: new Int32Array(0), maskedInputIds: new Int32Array(0), nextSentenceLabel: 0 }), /outside the vocabulary/);
    writer.abort();
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('several shard files read as one dataset; files from another vocabulary are refused', () => {
  withDir((dir) => {
    const xs = brownInstances(50);
    write(join(dir, 's0.tsbpt'), xs.slice(0, 20));
    write(join(dir, 's1.tsbpt'), xs.slice(20));
    const data = InstanceDataset.open([join(dir, 's0.tsbpt'), join(dir, 's1.tsbpt')]);
    assert.equal(data.length, 50);
    assert.deepEqual(data.get(20).originalIds, xs[20]!.originalIds);
    assert.deepEqual(data.get(49).originalIds, xs[49]!.originalIds);
    assert.equal(data.header.instanceCount, 50);
    data.close();
    write(join(dir, 'other.tsbpt'), xs.slice(0, 2), { ...settings(), vocabHash: 1 });
    assert.throws(() => InstanceDataset.open([join(dir, 's0.tsbpt'), join(dir, 'other.tsbpt')]), /another vocabulary/);
  });
});
