/**
 * A process running `tsbert predict`'s JSON-lines path over the fake pipeline, for tests that need a process of its
 * own (peak RSS, Ctrl-C, stdout):
 *   node predict-child.js INPUT OUTPUT|- [delayMs]
 * prints `progress <lines>` on stderr after each window and, at the end, `{"lines", "maxRssKb"}` on stderr.
 * Imported with no arguments (the test runner loads every file under test/) it does nothing.
 */
import { predictJsonLines } from '../../src/cli/commands/predict-json-lines.js';
import { FakeBatchPipeline } from './fake-batch-pipeline.js';

const [input, output, delay] = process.argv.slice(2);
if (input !== undefined && output !== undefined) {
  const pipeline = new FakeBatchPipeline({ delayMs: Number(delay ?? 0) });
  const done = await predictJsonLines(pipeline, {
    input,
    output: output === '-' ? undefined : output,
    options: pipeline.checkOptions({}),
    plan: { window: 256, maxBatchSize: 32, tokenBudget: 4096 },
    padding: 'none',
    onProgress: (p) => process.stderr.write(`progress ${p.lines}\n`),
  });
  process.stderr.write(`${JSON.stringify({ lines: done.lines, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}
