/**
 * Child process of memory.test.ts: calls three pipelines over tiny models `calls` times each and prints, after a full
 * garbage collection (run with --expose-gc), the JS heap, the typed-array memory and the resident set after
 * `warmUp` calls and after `calls` more. `node --test` runs every file under test/, this one too: without the
 * parent's environment variable it does nothing.
 */
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
  const memory = (): { heap: number; arrayBuffers: number; resident: number } => {
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed / MiB, arrayBuffers: m.arrayBuffers / MiB, resident: m.rss / MiB };
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

  for (let i = 0; i < warmUp; i++) await round(i);
  const warm = memory();
  for (let i = 0; i < calls; i++) await round(warmUp + i);
  process.stdout.write(`${JSON.stringify({ warm, end: memory(), calls })}\n`);
}
