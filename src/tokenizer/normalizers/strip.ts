/**
 * Hugging Face's Strip normalizer (tokenizers/src/normalizers/strip.rs): whitespace (Rust `char::is_whitespace`)
 * removed from the left and/or right end of the text.
 */
import { charFlags, F_SPACE } from '../char-classes.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import type { Normalizer } from './normalizer.js';

export class Strip implements Normalizer {
  private readonly flags = charFlags();

  constructor(
    readonly left = true,
    readonly right = true,
  ) {}

  normalize(input: NormalizedText, out: NormalizedText): void {
    out.clear();
    let first = 0;
    let last = input.length;
    // Whitespace is all in the BMP, so a unit test is a code point test.
    const space = (k: number): boolean => ((this.flags[input.units[k] ?? 0] ?? 0) & F_SPACE) !== 0;
    if (this.left) while (first < last && space(first)) first++;
    if (this.right) while (last > first && space(last - 1)) last--;
    for (let k = first; k < last; k++) out.push(input.units[k] ?? 0, input.starts[k] ?? 0, input.ends[k] ?? 0);
  }

  toJSON(): JsonObject {
    return { type: 'Strip', strip_left: this.left, strip_right: this.right };
  }
}
