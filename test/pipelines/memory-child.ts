/**
 * Child process of memory.test.ts: calls three pipelines over tiny models `calls` times each and prints, after a full
 * garbage collection (run with --expose-gc), the JS heap, the typed-array memory and the resident set after
 * `warmUp` calls and after `calls` more. `node --test` runs every file under test/, this one too: without the
 * parent's environment variable it does nothing.
 */
import { readFileSync } from 'node:fs';
import { BertForQuestionAnswering } from '../../src/model/heads/question-answering.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { BertModel } from '../../src/model/bert-model.js';
import { pipeline } from '../../src/pipelines/pipeline.js';
import { tinyConfig, tokenizer } from './pipeline-models.js';

if (process.env['TSBERT_MEMORY_CHILD'] === '1') await main();

async function main(): Promise<void> {
  const warmUp = Number(process.argv[2] ?? 10_000);
  const calls = Number(process.argv[3] ?? 10_000);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  const MiB = 2 ** 20;
  // The resident set from /proc/self/smaps_rollup where there is one: process.memoryUsage().rss reads the kernel's
  // per-thread cached counters, seen here 27 MiB off the exact figure in the same second.
  const resident = (): number => {
    try {
      const line = /^Rss:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
      if (line !== null) return Number(line[1]) / 1024;
    } catch {
      // no procfs: the counters it is
    }
    return process.memoryUsage().rss / MiB;
  };
  const memory = (): { heap: number; arrayBuffers: number; resident: number } => {
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed / MiB, arrayBuffers: m.arrayBuffers / MiB, resident: resident() };
  };
  const classifier = await pipeline('text-classification', new BertForSequenceClassification(tinyConfig(), { seed: 1 }), { tokenizer });
  const extractor = await pipeline('feature-extraction', new BertModel(tinyConfig(), { seed: 2 }), { tokenizer });
  const qa = await pipeline('question-answering', new BertForQuestionAnswering(tinyConfig(), { seed: 3 }), { tokenizer });
  const texts = ['the cat sat on the mat .', 'a much longer sentence about the weather in the north , which was cold and wet all week .', 'yes'];

  async function round(i: number): Promise<void> {
    const text = texts[i % texts.length]!;
    await classifier(text, { top_k: null });
    await extractor(text, { pooling: 'mean', normalize: true });
    await qa('where did the cat sit ?', text);
  }

  // Samples every SAMPLE_EVERY calls: the last FLOOR_SAMPLES of the warm-up and of the measured calls. The resident
  // set swings by up to ~30 MiB between samples on some machines (glibc keeping freed memory, V8's spaces), while a
  // leak raises its floor: the parent compares the floors.
  const SAMPLE_EVERY = 500, FLOOR_SAMPLES = 5;
  // Runs rounds first .. first + count - 1, sampling after each of the last FLOOR_SAMPLES multiples of SAMPLE_EVERY.
  async function phase(first: number, count: number): Promise<ReturnType<typeof memory>[]> {
    const samples: ReturnType<typeof memory>[] = [];
    for (let i = 0; i < count; i++) {
      await round(first + i);
      const left = count - i - 1;
      if (left < FLOOR_SAMPLES * SAMPLE_EVERY && left % SAMPLE_EVERY === 0) samples.push(memory());
    }
    return samples;
  }
  const warmSamples = await phase(0, warmUp);
  const endSamples = await phase(warmUp, calls);
  process.stdout.write(`${JSON.stringify({ warm: warmSamples, end: endSamples, calls })}\n`);
}
