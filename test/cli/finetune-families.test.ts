/**
 * `tsbert finetune` → `evaluate` → `predict` for RoBERTa, DistilBERT and ALBERT, each task type, on tiny new models
 * (--model-type, --config FILE, the family's tokenizer files): the saved folder is the family's Hugging Face folder
 * (config.json's architectures and model_type, id2label, the family's tokenizer files, and exactly the parameter
 * names of the PyTorch reference checkpoint of the same class, layer indices aside); `evaluate` reloads it and gives
 * back the run's best evaluation; `predict` answers every input; training loss falls on a learnable toy task.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../../src/io/safetensors.js';
import { lastJsonLine, runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'finetune');
const SQUAD = join(ROOT, 'test', 'fixtures', 'squad');
const REFERENCE = join(ROOT, 'test', 'fixtures', 'reference');

const work = mkdtempSync(join(tmpdir(), 'tsbert-finetune-families-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

interface Family {
  modelType: string;
  /** Hugging Face's class-name prefix. */
  prefix: string;
  /** config.json of a tiny model in the family's keys. */
  config: Record<string, unknown>;
  tokenizerFlags: string[];
  /** Tokenizer files a saved folder holds. */
  tokenizerFiles: string[];
  /** --max-seq-length that puts v2-town-built's answer in the second window (test/finetune/family-tokenizers.test.ts). */
  qaMaxSeqLength: string;
}

const FAMILIES: Family[] = [
  {
    modelType: 'roberta', prefix: 'Roberta',
    config: { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 130, type_vocab_size: 1 },
    tokenizerFlags: ['--vocab', join(ROOT, 'test', 'fixtures', 'tokenizer', 'bpe', 'vocab.json'), '--merges', join(ROOT, 'test', 'fixtures', 'tokenizer', 'bpe', 'merges.txt')],
    tokenizerFiles: ['vocab.json', 'merges.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'],
    qaMaxSeqLength: '28',
  },
  {
    modelType: 'distilbert', prefix: 'DistilBert',
    config: { dim: 32, n_layers: 2, n_heads: 2, hidden_dim: 64, max_position_embeddings: 128 },
    tokenizerFlags: ['--vocab', join(ROOT, 'assets', 'bert-base-uncased-vocab.txt')],
    tokenizerFiles: ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'],
    qaMaxSeqLength: '20',
  },
  {
    modelType: 'albert', prefix: 'Albert',
    config: { embedding_size: 16, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 128 },
    tokenizerFlags: ['--vocab', join(REFERENCE, 'unigram', 'albert-3000.model')],
    tokenizerFiles: ['spiece.model', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'],
    qaMaxSeqLength: '24',
  },
];

interface Case {
  name: string;
  task: string;
  /** The registry task: the class suffix and the reference checkpoint's folder. */
  head: string;
  train: string;
  dev: string;
  /**
   * predict's input when not dev: read by the fine-tuning definition (CSV/TSV, CoNLL, SQuAD, multiple choice); null:
   * JSON lines, which go through the pipelines (docs/pipelines.md), not run here.
   */
  predictInput?: string | null;
  flags?: string[];
  metrics: string[];
  labels?: Record<string, string>;
  /** Checks the prediction file. */
  predictions(text: string): void;
}

const jsonLines = (text: string): unknown[] => text.trim().split('\n').map((line) => JSON.parse(line) as unknown);

/** sst-tiny-dev as CSV, so predict reads it through the fine-tuning definition. */
function sstCsv(): string {
  const rows = readFileSync(join(FIXTURES, 'sst-tiny-dev.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { text: string; label: string });
  return file('sst-dev.csv', `text,label\n${rows.map((r) => `"${r.text.replaceAll('"', '""')}",${r.label}`).join('\n')}\n`);
}

const CASES: Case[] = [
  {
    name: 'single sentences', task: 'classification', head: 'SequenceClassification', train: join(FIXTURES, 'sst-tiny.jsonl'),
    dev: join(FIXTURES, 'sst-tiny-dev.jsonl'), predictInput: sstCsv(), metrics: ['accuracy', 'macro_f1', 'matthews_correlation'], labels: { 0: 'neg', 1: 'pos' },
    predictions: (text) => {
      const lines = jsonLines(text) as Array<Array<{ label: string; score: number }>>;
      assert.equal(lines.length, 6);
      assert.ok(lines.every(([p]) => ['neg', 'pos'].includes(p!.label) && p!.score >= 0.5));
    },
  },
  {
    name: 'pairs', task: 'classification', head: 'SequenceClassification', train: join(FIXTURES, 'pairs-tiny.tsv'), dev: join(FIXTURES, 'pairs-tiny-dev.tsv'),
    metrics: ['accuracy', 'macro_f1'], predictions: (text) => assert.equal(jsonLines(text).length, 6),
  },
  {
    name: 'multi-label', task: 'classification', head: 'SequenceClassification', train: join(FIXTURES, 'multilabel-tiny.jsonl'),
    dev: join(FIXTURES, 'multilabel-tiny-dev.jsonl'), metrics: ['subset_accuracy', 'micro_f1'],
    // A multi_label_classification folder scores every label by sigmoid (the pipeline's default function).
    predictions: (text) => {
      const lines = jsonLines(text) as Array<Array<{ label: string; score: number }>>;
      assert.equal(lines.length, 6);
      assert.ok(lines.every((line) => line.length >= 1 && line.every((p) => p.score > 0 && p.score < 1)));
    },
  },
  {
    name: 'CoNLL', task: 'token-classification', head: 'TokenClassification', train: join(FIXTURES, 'ner-tiny.conll'), dev: join(FIXTURES, 'ner-tiny-dev.conll'),
    metrics: ['overall_f1', 'overall_accuracy'],
    predictions: (text) => {
      const input = readFileSync(join(FIXTURES, 'ner-tiny-dev.conll'), 'utf8').split(/\r?\n/);
      const output = text.split('\n');
      assert.equal(output.length, input.length);
      input.forEach((line, i) => {
        if (line.trim() !== '' && !line.startsWith('-DOCSTART-')) assert.equal(output[i]!.split(/\s+/).length, line.trim().split(/\s+/).length + 1);
      });
    },
  },
  {
    // Unanswerable questions and an answer in the second window of its context.
    name: 'SQuAD v2.0', task: 'question-answering', head: 'QuestionAnswering', train: join(SQUAD, 'v2.json'), dev: join(SQUAD, 'v2.json'),
    flags: ['--doc-stride', '4', '--max-query-length', '8'], metrics: ['exact', 'f1', 'HasAns_exact', 'NoAns_exact', 'best_f1'],
    predictions: (text) => {
      const answers = JSON.parse(text) as Record<string, string>;
      assert.deepEqual(Object.keys(answers).sort(), ['v2-bridge-cost', 'v2-ferry', 'v2-keeper-name', 'v2-keeper-wife', 'v2-town-built']);
    },
  },
  {
    name: 'SWAG-style', task: 'multiple-choice', head: 'MultipleChoice', train: join(FIXTURES, 'swag-tiny.jsonl'), dev: join(FIXTURES, 'swag-tiny-dev.jsonl'),
    metrics: ['accuracy'],
    predictions: (text) => {
      for (const line of jsonLines(text) as Array<{ scores: number[] }>) assert.equal(line.scores.length, 4);
    },
  },
];

/** Parameter names with layer indices (and ALBERT's group indices) made one, so model depths may differ. */
function layoutOf(path: string): string[] {
  return [...new Set([...readSafetensors(path).tensors.keys()].map((name) => name.replace(/\.\d+\./g, '.N.')))].sort();
}

/** The run's training losses from metrics.jsonl. */
function trainingLosses(dir: string): number[] {
  return jsonLines(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).flatMap((r) => {
    const loss = (r as Record<string, unknown>)['loss'];
    return typeof loss === 'number' ? [loss] : [];
  });
}

for (const family of FAMILIES) {
  const config = file(`${family.modelType}.json`, JSON.stringify({ model_type: family.modelType, ...family.config }));
  const finetune = (task: string, train: string, dev: string, out: string, extra: string[]): ReturnType<typeof runCli> => runCli(['finetune', '--task', task,
    '--model-type', family.modelType, '--config', config, ...family.tokenizerFlags, '--train', train, '--dev', dev, '--output', out, ...extra]);

  for (const c of CASES) {
    test(`${family.modelType}: ${c.task}, ${c.name}: finetune → the family's Hugging Face folder; evaluate reloads it; predict`, async () => {
      const out = join(work, `${family.modelType}-${c.name.replace(/\W+/g, '-')}`);
      const run = await finetune(c.task, c.train, c.dev, out, ['--epochs', '2', '--batch-size', '4', '--lr', '1e-3', '--eval-every', '2', ...(c.flags ?? []),
        ...(c.task === 'question-answering' ? ['--max-seq-length', family.qaMaxSeqLength] : [])]);
      assert.equal(run.status, 0, run.stderr);
      const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      const architecture = `${family.prefix}For${c.head}`;
      assert.deepEqual(saved['architectures'], [architecture]);
      assert.equal(saved['model_type'], family.modelType);
      if (c.labels !== undefined) assert.deepEqual(saved['id2label'], c.labels);
      for (const name of ['model.safetensors', ...family.tokenizerFiles]) assert.ok(existsSync(join(out, name)), name);
      if (family.modelType === 'roberta' && c.task === 'token-classification') {
        // run_ner.py: RoBERTa's tokenizer takes pre-split words with add_prefix_space, and the folder keeps it.
        assert.equal((JSON.parse(readFileSync(join(out, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>)['add_prefix_space'], true);
      }
      const referenceFolder = join(REFERENCE, family.modelType, c.head.replace(/[A-Z]/g, (ch, i: number) => `${i > 0 ? '-' : ''}${ch.toLowerCase()}`));
      assert.deepEqual(layoutOf(join(out, 'model.safetensors')), layoutOf(join(referenceFolder, 'model.safetensors')), `${architecture}: PyTorch's names`);

      const evaluation = await runCli(['evaluate', '--task', c.task, '--model', out, '--data', c.dev]);
      assert.equal(evaluation.status, 0, evaluation.stderr);
      const metrics = lastJsonLine(evaluation.stdout);
      const best = lastJsonLine(run.stdout);
      for (const key of c.metrics) assert.equal(typeof metrics[key], 'number', `${key} in ${JSON.stringify(metrics)}`);
      for (const [key, value] of Object.entries(metrics)) {
        if (typeof value === 'number' && Number.isFinite(value)) {
          assert.ok(Math.abs((best[`eval_${key}`] as number) - value) < 1e-5, `${key}: evaluate ${value}, the run's best ${String(best[`eval_${key}`])}`);
        }
      }

      if (c.predictInput === null) return;
      const predictions = join(work, `${family.modelType}-${c.name.replace(/\W+/g, '-')}-predictions`);
      const predict = await runCli(['predict', '--task', c.task, '--model', out, '--input', c.predictInput ?? c.dev, '--output', predictions]);
      assert.equal(predict.status, 0, predict.stderr);
      c.predictions(readFileSync(predictions, 'utf8'));
    });
  }

  test(`${family.modelType}: training loss falls on a learnable toy task; evaluate --task of another head is refused`, async () => {
    const words = ['film', 'plot', 'cast', 'story', 'score', 'scene', 'ending', 'script'];
    const rows = words.flatMap((w) => [{ text: `great ${w}`, label: 'pos' }, { text: `awful ${w}`, label: 'neg' }]);
    const train = file(`${family.modelType}-toy.jsonl`, rows.map((r) => JSON.stringify(r)).join('\n'));
    const out = join(work, `${family.modelType}-toy`);
    const run = await finetune('classification', train, train, out, [
      '--epochs', '20', '--batch-size', '4', '--lr', '5e-3', '--log-every', '1', '--warmup-ratio', '0', '--eval-every', '80', '--keep-last', '1']);
    assert.equal(run.status, 0, run.stderr);
    const losses = trainingLosses(out);
    const last = losses.slice(-4).reduce((a, b) => a + b) / 4;
    assert.ok(last < 0.5 * losses[0]!, `training loss ${losses[0]} → ${last} (mean of the last 4 steps)`);
    assert.equal(lastJsonLine(run.stdout)['eval_accuracy'], 1);

    const refused = await runCli(['evaluate', '--task', 'token-classification', '--model', out, '--data', join(FIXTURES, 'ner-tiny-dev.conll')]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`ConfigError: .*holds ${family.prefix}ForSequenceClassification, not the ${family.prefix}ForTokenClassification that --task token-classification needs`));
  });
}

test('a new model\'s flags: a wrong combination is one line naming the flags, before anything is written', async () => {
  const sst = join(FIXTURES, 'sst-tiny.jsonl');
  const bpe = join(ROOT, 'test', 'fixtures', 'tokenizer', 'bpe');
  const out = join(work, 'refused-flags');
  const finetune = (flags: string[]): ReturnType<typeof runCli> => runCli(['finetune', '--task', 'classification', '--train', sst, '--output', out, ...flags]);
  const cases: Array<[string[], RegExp]> = [
    [['--config', 'tiny', '--model-type', 'gpt2', '--vocab', 'x'], /--model-type must be one of bert, roberta, distilbert, albert, got "gpt2"/],
    [['--config', 'tiny', '--model-type', 'roberta', '--vocab', join(bpe, 'vocab.json')], /--model-type roberta: --vocab vocab\.json needs --merges merges\.txt/],
    [['--config', 'tiny', '--model-type', 'albert', '--vocab', 'x.model', '--merges', join(bpe, 'merges.txt')], /--merges is for byte-level BPE \(--model-type roberta\)/],
    [['--config', 'tiny', '--model-type', 'roberta', '--vocab', join(bpe, 'vocab.json'), '--merges', join(bpe, 'merges.txt'), '--cased'], /--cased is for a WordPiece vocab\.txt/],
    [['--config', 'tiny', '--model-type', 'roberta', '--tokenizer', join(bpe, 'tokenizer.json'), '--vocab', join(bpe, 'vocab.json')], /give --tokenizer tokenizer\.json or --vocab/],
    [['--config', 'tiny', '--model-type', 'roberta'], /--config needs the new model's tokenizer: --vocab FILE or --tokenizer tokenizer\.json/],
    [['--model', join(REFERENCE, 'roberta', 'sequence-classification'), '--model-type', 'roberta'], /--model-type go with --config \(a new model\)/],
    // 130 positions: 128 tokens after RoBERTa's padding_idx.
    [['--config', join(work, 'roberta.json'), '--model-type', 'roberta', '--vocab', join(bpe, 'vocab.json'), '--merges', join(bpe, 'merges.txt'), '--max-seq-length', '129'],
      /--max-seq-length 129 is more than the RobertaForSequenceClassification takes \(128 tokens/],
  ];
  for (const [flags, pattern] of cases) {
    const run = await finetune(flags);
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stderr.trim().split('\n').filter((l) => l.startsWith('tsbert:'));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, new RegExp(`^tsbert: ConfigError: .*${pattern.source}`));
  }
  assert.ok(!existsSync(join(out, 'config.json')), 'nothing written');
});
