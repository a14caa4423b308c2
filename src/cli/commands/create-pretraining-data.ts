/**
 * `tsbert create-pretraining-data`: the original google-research/bert `create_pretraining_data.py` — corpus in,
 * masked sentence-pair instances out (src/pretrain/create-pretraining-data.ts; format in docs/pretraining-data.md).
 * Progress goes to stderr, statistics to stdout (text, or one JSON object with --json).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ensureDefaultCorpus } from '../../data/default-corpus.js';
import { DataError, TokenizerError } from '../../errors.js';
import { parseObjective, PRETRAIN_OBJECTIVES } from '../../pretrain/objective.js';
import { loadPretrainingTokenizer } from '../../pretrain/pretraining-tokenizer.js';
import { checkInput, checkOutputFile } from '../../io/checked-file.js';
import { createPretrainingData, PRETRAINING_DATA_DEFAULTS, shardPath, type PretrainingDataProgress, type PretrainingDataStats } from '../../pretrain/create-pretraining-data.js';
import { openStopScope } from '../signals.js';

interface Flags {
  input?: string[];
  defaultCorpus?: string | boolean;
  corpusDir?: string;
  output: string;
  splitOutput?: boolean;
  vocab?: string;
  tokenizer?: string;
  objective: string;
  maxNgram?: number;
  cased?: boolean;
  splitSentences?: boolean;
  maxSeqLength: number;
  maxPredictionsPerSeq: number;
  maskedLmProb: number;
  shortSeqProb: number;
  dupeFactor?: number;
  doWholeWordMask?: boolean;
  staticMasks: boolean;
  shardTokens: number;
  seed: number;
  json?: boolean;
  progress: boolean;
}

export function integer(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}, got ${value}`);
    return n;
  };
}

export function probability(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a number in [0, 1], got ${value}`);
  return n;
}

export function registerCreatePretrainingData(program: Command): void {
  const d = PRETRAINING_DATA_DEFAULTS;
  program
    .command('create-pretraining-data')
    .description(
      'Make pre-training instances from a corpus, as google-research/bert create_pretraining_data.py: ' +
        'sentence pairs with next-sentence labels and masked-LM predictions (or RoBERTa\'s and ALBERT\'s, --objective), written to a binary instance file.',
    )
    .option('--input <files...>', 'corpus files: one sentence per line, blank line between documents (or plain text with --split-sentences)')
    .option('--default-corpus [split]', 'use the built-in corpus (Brown + nlp-corpus; devDependencies), "train" or "eval"; built in the cache on first use')
    .option('--corpus-dir <dir>', 'where the default corpus is cached (default ~/.cache/tsbert)')
    .requiredOption('--output <file>', 'instance file to write (with --split-output: a name each shard file is derived from)')
    .option('--split-output', 'one file per corpus shard: out.tsbpt → out-00000.tsbpt, out-00001.tsbpt, ...')
    .option('--vocab <file>', 'WordPiece vocab.txt (or --tokenizer)')
    .option('--tokenizer <file>', "any tokenizer.json (RoBERTa's byte-level BPE, ALBERT's Unigram, ...) instead of --vocab")
    .option('--objective <name>', `what the instances are for: ${PRETRAIN_OBJECTIVES.join(', ')} `
      + '(bert: sentence pairs + NSP; mlm: RoBERTa full sentences packed across documents, masked when read; '
      + 'albert: sentence-order pairs with n-gram masks)', 'bert')
    .option('--max-ngram <n>', `albert: longest masked span in words (default ${d.albertMaxNgram})`, integer(1))
    .option('--cased', 'keep case (cased vocabularies); default lower-cases as bert-base-uncased')
    .option('--split-sentences', 'input is plain text: blank-line-separated blocks are documents, split into sentences by rule')
    .option('--max-seq-length <n>', 'longest instance, [CLS] and [SEP]s included', integer(5), d.maxSeqLength)
    .option('--max-predictions-per-seq <n>', 'most masked positions per instance', integer(1), d.maxPredictionsPerSeq)
    .option('--masked-lm-prob <p>', 'share of tokens to mask', probability, d.maskedLmProb)
    .option('--short-seq-prob <p>', 'chance of a shorter random target length', probability, d.shortSeqProb)
    .option('--dupe-factor <n>', `passes over the corpus, each with different pairs and masks (default ${d.dupeFactor}; mlm: 1, its masks are drawn when read)`, integer(1))
    .option('--do-whole-word-mask', 'mask all WordPiece pieces of a word together')
    .option('--no-static-masks', 'store instances unmasked (the trainer masks dynamically)')
    .option('--shard-tokens <n>', 'corpus tokens per shard (bounds memory; random next sentences come from the same shard)', integer(1), d.shardTokens)
    .option('--seed <n>', 'random seed', integer(0), d.seed)
    .option('--json', 'print the statistics as one JSON object')
    .option('--no-progress', 'do not report progress on stderr')
    .addHelpText('after', `
Examples:
  $ tsbert create-pretraining-data --input wiki.txt --output wiki.tsbpt --vocab vocab.txt
  $ tsbert create-pretraining-data --default-corpus --output train.tsbpt --vocab vocab.txt --dupe-factor 5
  $ tsbert create-pretraining-data --default-corpus eval --output eval.tsbpt --vocab vocab.txt --dupe-factor 1
  $ tsbert create-pretraining-data --input book.txt --split-sentences --output book.tsbpt --vocab vocab.txt --no-static-masks
  $ tsbert create-pretraining-data --default-corpus --objective mlm --tokenizer roberta/tokenizer.json --output mlm.tsbpt
  $ tsbert create-pretraining-data --default-corpus --objective albert --tokenizer albert/tokenizer.json --output sop.tsbpt

Input files must be UTF-8 text. Invalid bytes become U+FFFD, with a warning that counts them; a file that is
empty, has no letter or digit, or whose characters are over 25% invalid UTF-8 (binary data) is refused.
Nothing is written unless the whole run succeeds; Ctrl-C removes the partial output.`)
    .action(async (flags: Flags) => {
      await run(flags);
    });
}

async function run(flags: Flags): Promise<void> {
  // Every signal aborts: process.exit lets the exit hook remove the temporary output.
  const stop = openStopScope();
  try {
    await create(flags);
  } finally {
    stop.close();
  }
}

async function create(flags: Flags): Promise<void> {
  const inputs = [...(flags.input ?? [])];
  for (const input of inputs) checkInput(input, { label: '--input' });
  const objective = parseObjective(flags.objective);
  if (flags.vocab !== undefined) checkInput(flags.vocab, { label: '--vocab', error: TokenizerError });
  if (flags.tokenizer !== undefined) checkInput(flags.tokenizer, { label: '--tokenizer', error: TokenizerError });
  checkOutputFile(flags.splitOutput === true ? shardPath(flags.output, 0) : flags.output, { label: '--output' });
  if (flags.defaultCorpus !== undefined && flags.defaultCorpus !== false) {
    const split = flags.defaultCorpus === true ? 'train' : flags.defaultCorpus;
    if (split !== 'train' && split !== 'eval') throw new DataError(`--default-corpus: split must be "train" or "eval", got ${split}`);
    const corpus = ensureDefaultCorpus(flags.corpusDir !== undefined ? { dir: flags.corpusDir } : {});
    if (flags.progress) {
      process.stderr.write(`default corpus ${corpus.built ? 'built' : 'cached'}: ${corpus.train} (${corpus.trainDocuments} documents), ${corpus.eval} (${corpus.evalDocuments} documents)\n`);
    }
    inputs.push(split === 'train' ? corpus.train : corpus.eval);
  }
  if (inputs.length === 0) throw new DataError('create-pretraining-data: give --input FILE... or --default-corpus');
  const tokenizer = loadPretrainingTokenizer(flags, 'create-pretraining-data');
  const progress = flags.progress ? progressPrinter() : undefined;
  const stats = await createPretrainingData({
    inputs,
    output: flags.output,
    tokenizer,
    objective,
    ...(flags.maxNgram !== undefined ? { maxNgram: flags.maxNgram } : {}),
    splitSentences: flags.splitSentences ?? false,
    splitOutput: flags.splitOutput ?? false,
    maxSeqLength: flags.maxSeqLength,
    maxPredictionsPerSeq: flags.maxPredictionsPerSeq,
    maskedLmProb: flags.maskedLmProb,
    shortSeqProb: flags.shortSeqProb,
    ...(flags.dupeFactor !== undefined ? { dupeFactor: flags.dupeFactor } : {}),
    wholeWordMask: flags.doWholeWordMask ?? false,
    staticMasks: flags.staticMasks,
    shardTokens: flags.shardTokens,
    seed: flags.seed,
    ...(progress !== undefined ? { onProgress: progress.update } : {}),
    onWarning: (message) => {
      progress?.done();
      process.stderr.write(`create-pretraining-data: warning: ${message}\n`);
    },
  });
  progress?.done();
  process.stdout.write(flags.json === true ? JSON.stringify(stats) + '\n' : formatStats(stats));
}

/** Progress on stderr, at most twice a second: one rewritten line on a terminal, plain lines otherwise. */
function progressPrinter(): { update: (p: PretrainingDataProgress) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < (tty ? 500 : 5000)) return;
      last = now;
      shown = true;
      const line = `documents ${p.documents}, instances ${p.instances}, shards ${p.shards}, ${(p.bytesRead / 1e6).toFixed(1)} MB read`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    done() {
      if (tty && shown) process.stderr.write('\n');
      shown = false;
    },
  };
}

function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

export function formatStats(s: PretrainingDataStats): string {
  const lines = [
    `wrote ${s.instances} instances (${s.tokens} tokens) to ${s.outputs.join(', ')} (${(s.outputBytes / 1e6).toFixed(1)} MB) in ${s.seconds.toFixed(1)} s`,
    `read ${s.documents} documents, ${s.sentences} sentences, ${(s.bytesRead / 1e6).toFixed(1)} MB in ${s.shards} shard(s)`,
  ];
  if (s.objective !== 'mlm') {
    lines.push(`masked: ${s.maskedPositions} positions = ${percent(s.maskedFraction)} of tokens`,
      `  replaced by [MASK] ${percent(s.replacementShares.mask)}, random token ${percent(s.replacementShares.random)}, kept ${percent(s.replacementShares.kept)}`);
  }
  if (s.ngramShares !== undefined) lines.push(`  masked spans of 1, 2, ... words: ${s.ngramShares.map(percent).join(', ')}`);
  if (s.objective === 'bert') {
    lines.push(`next sentence: random ${s.randomNext} = ${percent(s.randomNextShare)} of instances` +
      (s.sameDocumentRandomNext > 0 ? ` (${s.sameDocumentRandomNext} from the same document: a shard had one document)` : ''));
  } else if (s.objective === 'albert') {
    lines.push(`sentence order: swapped ${s.swapped} = ${percent(s.swappedShare)} of instances` +
      (s.unpairedSentences > 0 ? ` (${s.unpairedSentences} one-token sentences alone made no pair)` : ''));
  } else lines.push('one segment per instance, no masks stored: the trainer masks each time it reads one (RoBERTa §4.1)');
  return lines.join('\n') + '\n';
}
