/**
 * ALBERT's sentence-order prediction pairs (Lan et al. 2020 §3.2: "as positive examples, two consecutive segments
 * from the same document; as negative examples, the same two consecutive segments but with their order swapped"),
 * chunked as google-research/albert create_pretraining_data.py does with `random_next_sentence` off:
 *
 * - the target length is `maxSeqLength - 3`, or with probability `shortSeqProb` a random length in [2, that];
 * - sentences accumulate into a chunk until the target is reached or the document ends;
 * - a chunk of ≥ 2 sentences is cut at a random sentence boundary `aEnd` in [1, len - 1]: A before, B after;
 * - with probability 0.5 A and B are swapped: label 1 (label 0: the original order);
 * - the pair is trimmed to `maxSeqLength - 3` as BERT's (`truncateSeqPair`).
 *
 * One deviation: ALBERT's code gives a chunk of a single sentence (a one-sentence document, the last sentence alone,
 * or one sentence past the target) a B from a *random document* — an NSP negative inside SOP data. Here such a
 * sentence is cut at a random token boundary instead, so every pair is two consecutive pieces of one document; a
 * one-token sentence alone cannot be cut and makes no pair (`skipped`).
 */
import { drawTargetLength, randint, truncateSeqPair, validateInstanceOptions, type InstanceOptions, type TokenizedDocument } from './instances.js';
import type { Rng } from '../tensor/rng.js';

export interface SentenceOrderInstance {
  tokensA: Int32Array;
  tokensB: Int32Array;
  /** SOP label: true = A and B swapped (label 1). */
  isSwapped: boolean;
}

/** The SOP pairs of one document; `onSkip` is called for a lone one-token sentence, which makes no pair. */
export function createSentenceOrderInstances(document: TokenizedDocument, options: InstanceOptions, rng: Rng, onSkip?: () => void): SentenceOrderInstance[] {
  validateInstanceOptions(options);
  const segments = document.sentences;
  const maxNumTokens = options.maxSeqLength - 3;
  const targetSeqLength = drawTargetLength(options, rng);

  const instances: SentenceOrderInstance[] = [];
  let chunk: Int32Array[] = [];
  let chunkLength = 0;
  for (let i = 0; i < segments.length; i++) {
    chunk.push(segments[i]!);
    chunkLength += segments[i]!.length;
    if (i !== segments.length - 1 && chunkLength < targetSeqLength) continue;
    const a: number[] = [];
    const b: number[] = [];
    if (chunk.length >= 2) {
      const aEnd = randint(rng, 1, chunk.length - 1);
      for (let j = 0; j < chunk.length; j++) for (const id of chunk[j]!) (j < aEnd ? a : b).push(id);
    } else if (chunk[0]!.length >= 2) {
      const only = chunk[0]!;
      const cut = randint(rng, 1, only.length - 1);
      for (let k = 0; k < only.length; k++) (k < cut ? a : b).push(only[k]!);
    }
    chunk = [];
    chunkLength = 0;
    if (a.length === 0) {
      onSkip?.();
      continue;
    }
    const isSwapped = rng.random() < 0.5;
    const [tokensA, tokensB] = isSwapped ? truncateSeqPair(b, a, maxNumTokens, rng) : truncateSeqPair(a, b, maxNumTokens, rng);
    instances.push({ tokensA, tokensB, isSwapped });
  }
  return instances;
}
