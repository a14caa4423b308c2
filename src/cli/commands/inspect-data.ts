/**
 * `tsbert inspect-data FILE...`: prints pre-training instances as JSON lines, in the original's field names:
 * input_ids are the masked ids the model sees, masked_lm_positions / masked_lm_ids list only the real predictions
 * (no padding), masked_lm_ids are the original ids there, next_sentence_label 1 means B is a random next.
 */
import type { Command } from 'commander';
import { DataError, TokenizerError } from '../../errors.js';
import { checkInput } from '../../io/checked-file.js';
import { InstanceDataset } from '../../pretrain/instance-file.js';
import { BertTokenizer } from '../../tokenizer/index.js';
import { integer } from './create-pretraining-data.js';

interface Flags {
  limit?: number;
  header?: boolean;
  vocab?: string;
}

export function registerInspectData(program: Command): void {
  program
    .command('inspect-data')
    .description('Print pre-training instances (files from create-pretraining-data) as JSON lines')
    .argument('<files...>', 'instance files (shards are read in the order given)')
    .option('--limit <n>', 'print the first n instances only', integer(0))
    .option('--header', 'print each file header (how it was made) instead of instances')
    .option('--vocab <file>', 'also print the tokens ("tokens": the masked input as text pieces)')
    .addHelpText('after', `
Each line: {"input_ids":[...],"token_type_ids":[...],"masked_lm_positions":[...],"masked_lm_ids":[...],"next_sentence_label":0|1}

Examples:
  $ tsbert inspect-data train.tsbpt --limit 3
  $ tsbert inspect-data train-00000.tsbpt train-00001.tsbpt --header`)
    .action(async (files: string[], flags: Flags) => {
      await run(files, flags);
    });
}

async function run(files: string[], flags: Flags): Promise<void> {
  if (flags.vocab !== undefined) checkInput(flags.vocab, { label: '--vocab', error: TokenizerError });
  const data = InstanceDataset.open(files);
  let closed = false;
  let writeError: Error | undefined;
  // `inspect-data x | head` closes the pipe early: stop quietly instead of failing with EPIPE. Other write errors
  // stop the loop and are reported as one line (a throw here, in an event handler, would crash with a stack).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    closed = true;
    if (error.code !== 'EPIPE') writeError = error;
  });
  try {
    if (flags.header === true) {
      for (const file of data.files) process.stdout.write(JSON.stringify({ file: file.path, ...file.header }) + '\n');
      return;
    }
    const tokenizer = flags.vocab !== undefined ? BertTokenizer.fromVocabFile(flags.vocab) : undefined;
    const count = Math.min(data.length, flags.limit ?? data.length);
    let chunk = '';
    for (let i = 0; i < count && !closed; i++) {
      const x = data.get(i);
      const record: Record<string, unknown> = {
        input_ids: Array.from(x.inputIds),
        token_type_ids: Array.from(x.tokenTypeIds),
        masked_lm_positions: Array.from(x.maskedPositions),
        masked_lm_ids: Array.from(x.maskedLmIds),
        next_sentence_label: x.nextSentenceLabel,
      };
      if (tokenizer !== undefined) record['tokens'] = tokenizer.convertIdsToTokens(x.inputIds);
      chunk += JSON.stringify(record) + '\n';
      if (chunk.length > 1 << 16) {
        const ok = process.stdout.write(chunk);
        chunk = '';
        if (!ok) await drained();
      }
    }
    if (chunk.length > 0 && !closed) process.stdout.write(chunk);
  } finally {
    data.close();
  }
  if (writeError !== undefined) throw new DataError(`inspect-data: cannot write stdout (${writeError.message})`);
}

/** Resolves when stdout can take more, or when it is gone (a closed pipe never drains). */
function drained(): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      process.stdout.off('drain', done);
      process.stdout.off('close', done);
      process.stdout.off('error', done);
      resolve();
    };
    process.stdout.once('drain', done);
    process.stdout.once('close', done);
    process.stdout.once('error', done);
  });
}
