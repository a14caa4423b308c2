/**
 * Hugging Face's Sequence normalizer (tokenizers/src/normalizers/utils.rs): normalizers applied in order, each to the
 * previous one's output, spans carried through (SentencePiece conversions chain Precompiled, Replace, Strip, ...).
 */
import type { JsonObject } from '../json-fields.js';
import { NormalizedText } from '../normalized-text.js';
import type { Normalizer } from './normalizer.js';

export class NormalizerSequence implements Normalizer {
  private readonly buffers = [new NormalizedText(), new NormalizedText()];

  constructor(readonly normalizers: readonly Normalizer[]) {}

  normalize(input: NormalizedText, out: NormalizedText): void {
    const steps = this.normalizers;
    if (steps.length === 0) {
      out.clear();
      for (let k = 0; k < input.length; k++) out.push(input.units[k] ?? 0, input.starts[k] ?? 0, input.ends[k] ?? 0);
      return;
    }
    let from = input;
    for (let i = 0; i < steps.length; i++) {
      const to = i === steps.length - 1 ? out : this.buffers[i % 2]!;
      steps[i]!.normalize(from, to);
      from = to;
    }
  }

  toJSON(): JsonObject {
    return { type: 'Sequence', normalizers: this.normalizers.map((n) => n.toJSON()) };
  }
}
