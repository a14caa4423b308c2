/**
 * Which part of pre-training the POS comparison gains or loses from (issue 11): two folders built from a pre-trained
 * BERT folder (a showcase run's pretrain/final), to fine-tune beside the showcase's own two arms —
 *   pretrained-random-words: every pre-trained weight except the word embeddings, which are BERT's initialisation
 *     (N(0, initializer_range); the [PAD] row zero, as Hugging Face's BertEmbeddings keeps it);
 *   random-pretrained-words: a random initialisation (BertForPreTraining, the seed) with the pre-trained word
 *     embeddings.
 * The position and token-type embeddings go with the encoder. Fine-tune each as the showcase fine-tunes its
 * pre-trained arm (`tsbert finetune --model <folder> ...`, the same flags and epochs).
 *
 *   node showcase/embedding-ablation.mjs PRETRAINED_FOLDER OUTPUT [--seed 42]
 */
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { BertForPreTraining, readSafetensors, writeSafetensors } from '../dist/src/index.js';
import { stateDict } from '../dist/src/model/checkpoint-loading.js';
import { bertConfigFromJson } from '../dist/src/model/config.js';

export const WORD_EMBEDDINGS = 'bert.embeddings.word_embeddings.weight';

/**
 * @param {string} source  a BERT folder (config.json, model.safetensors, tokenizer files) with pre-training names
 * @param {string} output  where the two folders go (replaced if present)
 * @param {number} seed
 * @returns {{ pretrainedRandomWords: string, randomPretrainedWords: string }}
 */
export function embeddingAblation(source, output, seed) {
  const tensors = Object.fromEntries(readSafetensors(join(source, 'model.safetensors')).tensors);
  if (!(WORD_EMBEDDINGS in tensors)) throw new Error(`${source}/model.safetensors: no ${WORD_EMBEDDINGS} (a pre-training folder is needed)`);
  const config = bertConfigFromJson(JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')), join(source, 'config.json'));
  // One random initialisation serves both folders: its word embeddings (nn/embedding.ts: N(0, initializer_range),
  // the [PAD] row zero) for the first, everything else for the second.
  const random = stateDict(new BertForPreTraining(config, { seed }));
  const { [WORD_EMBEDDINGS]: randomWords, ...randomRest } = random;
  const encoder = Object.fromEntries(Object.entries(randomRest).filter(([name]) => name in tensors));
  const write = (name, replace) => {
    const dir = join(output, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(output, { recursive: true });
    cpSync(source, dir, { recursive: true });
    writeSafetensors(join(dir, 'model.safetensors'), { ...tensors, ...replace });
    return dir;
  };
  return {
    pretrainedRandomWords: write('pretrained-random-words', { [WORD_EMBEDDINGS]: randomWords }),
    randomPretrainedWords: write('random-pretrained-words', encoder),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ options: { seed: { type: 'string', default: '42' } }, allowPositionals: true });
  if (positionals.length !== 2) {
    process.stderr.write('usage: node showcase/embedding-ablation.mjs PRETRAINED_FOLDER OUTPUT [--seed 42]\n');
    process.exit(2);
  }
  const made = embeddingAblation(positionals[0], positionals[1], Number(values.seed));
  process.stdout.write(`${made.pretrainedRandomWords}\n${made.randomPretrainedWords}\n`);
}
