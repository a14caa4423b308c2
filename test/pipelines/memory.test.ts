/**
 * Issue 12: "10,000 pipeline calls in one process leave RSS flat". A child process calls text-classification,
 * feature-extraction and question-answering pipelines 10,000 times each after 10,000 calls of warm-up, then the JS
 * heap, typed-array memory and the resident set must not grow: a leak of the three calls' encodings (~3 KB) would
 * add ~30 MiB; the bound lets through leaks under ~1 KB a call.
 * The warm-up is bounded (measured, /proc/self/smaps_rollup and v8.getHeapSpaceStatistics() every 2,500 calls up to
 * 60,000, bench/pipeline-rss.mjs): the resident set rises from ~99 MiB to 137–141 MiB over the first ~10,000 calls —
 * V8's young generation growing to its 2 × 16 MiB semi-spaces and the old space from 9 to 14.5 MiB (+22 MiB of
 * heap), the inference pools and the encoding cache filling (+6 MiB of typed arrays), the rest glibc's heap settling
 * — and then stays flat to call 60,000 (two runs: 133.6–138.3 and 138.2–143.4 MiB), moving a few MiB with the pools'
 * buffers held at the moment.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Measured after the warm-up: heap within ±0.2 MiB; typed-array memory −7.3 to +7.3 MiB (the pools' buffers dropped
 * and made again), which the resident set follows: from call 10,000 it moved −2.6 to +2.6 MiB over 50,000 more
 * calls, and +7 MiB over 10,000 with typed arrays +6.9 MiB.
 */
const GROWTH_MIB = 10;

interface Memory {
  heap: number;
  arrayBuffers: number;
  resident: number;
}

test('10,000 calls of three pipelines after a warm-up leave the JS heap, typed-array memory and the resident set flat', (t) => {
  const child = fileURLToPath(new URL('./memory-child.js', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', child, '10000', '10000'], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, TSBERT_MEMORY_CHILD: '1' } });
  const samples = JSON.parse(out.trim().split('\n').pop()!) as { warm: Memory[]; end: Memory[]; calls: number };
  assert.equal(samples.calls, 10000);
  assert.equal(samples.warm.length, 5);
  assert.equal(samples.end.length, 5);
  // Each measure's floor over the last 2,500 calls of each phase (5 samples, 500 calls apart): a leak raises the floor, the
  // swings between samples (up to ~30 MiB of resident set seen here with the heap and typed arrays flat) do not.
  const floor = (phase: Memory[], key: keyof Memory): number => Math.min(...phase.map((m) => m[key]));
  const warm = { heap: floor(samples.warm, 'heap'), arrayBuffers: floor(samples.warm, 'arrayBuffers'), resident: floor(samples.warm, 'resident') };
  const end = { heap: floor(samples.end, 'heap'), arrayBuffers: floor(samples.end, 'arrayBuffers'), resident: floor(samples.end, 'resident') };
  t.diagnostic(`floors, calls 7,500–10,000 → 17,500–20,000: heap ${warm.heap.toFixed(1)} → ${end.heap.toFixed(1)} MiB, typed arrays ${warm.arrayBuffers.toFixed(1)} → ${end.arrayBuffers.toFixed(1)} MiB, resident ${warm.resident.toFixed(0)} → ${end.resident.toFixed(0)} MiB`);
  t.diagnostic(`resident samples: ${samples.warm.map((m) => m.resident.toFixed(0)).join(' ')} → ${samples.end.map((m) => m.resident.toFixed(0)).join(' ')} MiB`);
  assert.ok(end.heap - warm.heap <= GROWTH_MIB, `JS heap grew ${(end.heap - warm.heap).toFixed(2)} MiB`);
  assert.ok(end.arrayBuffers - warm.arrayBuffers <= GROWTH_MIB, `typed-array memory grew ${(end.arrayBuffers - warm.arrayBuffers).toFixed(2)} MiB`);
  // The pools' buffers held at the moment of measuring move the resident set with them (up to ~7 MiB); typed-array
  // memory is bounded above, so its growth is allowed for and the rest must stay flat.
  const typedArrayGrowth = Math.max(0, end.arrayBuffers - warm.arrayBuffers);
  assert.ok(end.resident - warm.resident <= GROWTH_MIB + typedArrayGrowth,
    `the resident set's floor grew ${(end.resident - warm.resident).toFixed(2)} MiB (typed arrays ${typedArrayGrowth.toFixed(2)} MiB of it)`);
});
