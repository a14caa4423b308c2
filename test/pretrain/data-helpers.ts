/**
 * A small real corpus for the data-pipeline tests: the first Brown texts, cut into documents of a dozen sentences
 * (a few hundred documents, ~100k tokens), tokenized with bert-base-uncased.
 */
import { writeFileSync } from 'node:fs';
import { brownDocuments } from '../../src/data/default-corpus.js';
import type { TokenizedDocument } from '../../src/pretrain/instances.js';
import { continuationFlags, type MaskingOptions } from '../../src/pretrain/masking.js';
import { tokenizeDocument } from '../../src/pretrain/create-pretraining-data.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

let tokenizer: BertTokenizer | undefined;

export function bertTokenizer(): BertTokenizer {
  tokenizer ??= BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  return tokenizer;
}

export const VOCAB_PATH = BERT_BASE_UNCASED_VOCAB;

/** `texts` Brown texts split into documents of `perDocument` sentences. */
export function brownTextDocuments(texts = 30, perDocument = 12): string[][] {
  const out: string[][] = [];
  let taken = 0;
  for (const sentences of brownDocuments()) {
    if (taken++ === texts) break;
    for (let s = 0; s < sentences.length; s += perDocument) out.push(sentences.slice(s, s + perDocument));
  }
  return out;
}

let cached: TokenizedDocument[] | undefined;

export function brownTokenized(): TokenizedDocument[] {
  cached ??= brownTextDocuments().map((doc) => tokenizeDocument(doc, bertTokenizer())).filter((d) => d.sentences.length > 0);
  return cached;
}

/** Writes documents in the original format: one sentence per line, a blank line between documents. */
export function writeCorpus(path: string, documents: readonly string[][]): void {
  writeFileSync(path, documents.map((d) => d.join('\n')).join('\n\n') + '\n');
}

/** BERT's masking settings (15%, at most 20 per sequence) with bert-base-uncased's ids; optionally whole-word. */
export function bertMaskingOptions(wholeWord = false): MaskingOptions {
  const t = bertTokenizer();
  return {
    maskedLmProb: 0.15,
    maxPredictionsPerSeq: 20,
    clsId: t.clsTokenId,
    sepId: t.sepTokenId,
    maskId: t.maskTokenId,
    vocabSize: t.vocabSize,
    ...(wholeWord ? { isContinuation: continuationFlags(t.vocab.tokens) } : {}),
  };
}
