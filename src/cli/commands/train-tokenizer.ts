/**
 * `tsbert train-tokenizer`: learn a WordPiece vocab.txt (BERT) or a byte-level BPE tokenizer folder (RoBERTa:
 * vocab.json, merges.txt, tokenizer.json and configs) from text files, streaming them line by line (only word counts
 * stay in memory), with progress on stderr.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { readFileLines } from '../../data/line-reader.js';
import { ConfigError } from '../../errors.js';
import { TextStats } from '../../data/text-stats.js';
import { checkInput, checkOutputDirectory, checkOutputFile } from '../../io/checked-file.js';
import { trainBpeFromLines } from '../../tokenizer/bpe-trainer.js';
import { RobertaTokenizer } from '../../tokenizer/roberta-tokenizer.js';
import { trainVocabFromLines, type TrainProgress } from '../../tokenizer/vocab-trainer.js';

interface TrainTokenizerOptions {
  model: 'wordpiece' | 'bpe';
  input: string[];
  output: string;
  vocabSize?: number;
  cased?: boolean;
  minFrequency: number;
  unused?: number;
  addPrefixSpace?: boolean;
  quiet?: boolean;
}

/** Each model's default vocabulary size: bert-base-uncased's, roberta-base's. */
const DEFAULT_VOCAB_SIZE = { wordpiece: 30522, bpe: 50265 } as const;

function modelName(value: string): 'wordpiece' | 'bpe' {
  if (value !== 'wordpiece' && value !== 'bpe') throw new InvalidArgumentError('expected wordpiece or bpe');
  return value;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const INPUT = { label: '--input' } as const;

/** Lines of every file in turn; each file is checked for usable text when read, and warned about if messy. */
async function* linesOf(files: readonly string[]): AsyncGenerator<string> {
  for (const file of files) {
    const stats = new TextStats(file);
    yield* readFileLines(file, { role: INPUT, stats });
    stats.requireUsable(INPUT);
    const warning = stats.warning();
    if (warning !== undefined) process.stderr.write(`train-tokenizer: warning: ${warning}\n`);
  }
}

export function registerTrainTokenizer(program: Command): void {
  program
    .command('train-tokenizer')
    .description('learn a WordPiece vocabulary (BERT layout: [PAD], [unused0-98], [UNK], [CLS], [SEP], [MASK], ...) or a byte-level BPE tokenizer (RoBERTa)')
    .requiredOption('--input <files...>', 'text files, read line by line')
    .requiredOption('--output <path>', 'wordpiece: vocab.txt to write; bpe: folder for vocab.json, merges.txt, tokenizer.json and configs')
    .option('--model <name>', 'wordpiece (BERT) or bpe (RoBERTa: byte-level BPE, <s> <pad> </s> <unk> <mask> first)', modelName, 'wordpiece')
    .option('--vocab-size <n>', 'vocabulary size, special tokens included (default: 30522 wordpiece, 50265 bpe)', positiveInt)
    .option('--cased', 'wordpiece: keep case and accents (default: lowercase and strip accents, as uncased BERT)')
    .option('--min-frequency <n>', 'do not merge pairs seen fewer times', positiveInt, 2)
    .option('--unused <n>', 'wordpiece: number of [unusedN] slots (default 99)', positiveInt)
    .option('--add-prefix-space', 'bpe: a space before each line, as the tokenizer will then add (default: none, as roberta-base)')
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', `
Input files must be UTF-8 text. Invalid bytes become U+FFFD, with a warning that counts them; a file that is
empty, has no letter or digit, or whose characters are over 25% invalid UTF-8 (binary data) is refused.`)
    .action(async (options: TrainTokenizerOptions) => {
      const wordPieceOnly = [options.cased === true && '--cased', options.unused !== undefined && '--unused'].filter((o) => o !== false);
      if (options.model === 'bpe' && wordPieceOnly.length > 0) throw new ConfigError(`${wordPieceOnly.join(' and ')}: only for --model wordpiece`);
      if (options.model === 'wordpiece' && options.addPrefixSpace === true) throw new ConfigError('--add-prefix-space: only for --model bpe');
      for (const file of options.input) checkInput(file, INPUT);
      if (options.model === 'bpe') checkOutputDirectory(options.output, { label: '--output' });
      else checkOutputFile(options.output, { label: '--output' });
      // No stop scope: Node's default exit ends the (long, synchronous) merge phase at once, and the vocabulary is
      // written only at the very end, atomically, so there is nothing half-written to clean up.
      await train(options);
    });
}

/** Counts words, learns the merges, writes the vocabulary (atomically, as every output). */
async function train(options: TrainTokenizerOptions): Promise<void> {
  const started = performance.now();
  const progress = (p: TrainProgress): void => {
    if (options.quiet === true) return;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (p.phase === 'count') {
      process.stderr.write(
        `train-tokenizer: ${seconds}s read ${p.lines.toLocaleString('en-US')} lines (${(p.chars / 1e6).toFixed(1)} M chars), ${p.uniqueWords.toLocaleString('en-US')} distinct words\n`,
      );
    } else {
      process.stderr.write(`train-tokenizer: ${seconds}s ${p.merges} merges, vocabulary ${p.vocabSize}/${p.targetSize}\n`);
    }
  };
  const vocabSize = options.vocabSize ?? DEFAULT_VOCAB_SIZE[options.model];
  if (options.model === 'bpe') {
    const addPrefixSpace = options.addPrefixSpace === true;
    const bpe = await trainBpeFromLines(linesOf(options.input), { vocabSize, minFrequency: options.minFrequency, addPrefixSpace, onProgress: progress });
    new RobertaTokenizer(bpe, { addPrefixSpace }, 'trained BPE vocabulary').savePretrained(options.output);
    if (options.quiet !== true) process.stderr.write(`train-tokenizer: wrote ${bpe.vocabSize} tokens and ${bpe.merges.length} merges to ${options.output}\n`);
    return;
  }
  const vocab = await trainVocabFromLines(linesOf(options.input), {
    vocabSize,
    doLowerCase: options.cased !== true,
    minFrequency: options.minFrequency,
    unusedTokens: options.unused ?? 99,
    onProgress: progress,
  });
  vocab.save(options.output);
  if (options.quiet !== true) process.stderr.write(`train-tokenizer: wrote ${vocab.size} tokens to ${options.output}\n`);
}
