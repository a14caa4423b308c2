/**
 * Hugging Face's Replace normalizer (tokenizers/src/normalizers/replace.rs): every match of a pattern — a literal
 * string, or a regular expression — becomes `content`, leftmost first, matches not overlapping. The replacement's
 * units span the last character of the match, as the reference aligns them (NormalizedString::replace). Regular expressions run as JavaScript's (flag `u`); the patterns
 * conversions write (` {2,}`) mean the same in both engines.
 */
import { TokenizerError } from '../../errors.js';
import type { JsonObject } from '../json-fields.js';
import type { NormalizedText } from '../normalized-text.js';
import { unitsText } from '../units-text.js';
import type { Normalizer } from './normalizer.js';

export type ReplacePattern = { String: string } | { Regex: string };

export class Replace implements Normalizer {
  private readonly regex: RegExp;

  constructor(
    readonly pattern: ReplacePattern,
    readonly content: string,
  ) {
    const source = 'String' in pattern ? pattern.String.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&') : pattern.Regex;
    if (source.length === 0) throw new TokenizerError('Replace: the pattern is empty');
    try {
      this.regex = new RegExp(source, 'gu');
    } catch (cause) {
      throw new TokenizerError(`Replace: pattern ${JSON.stringify(source).slice(0, 80)} is not a regular expression JavaScript can run`, { cause });
    }
  }

  normalize(input: NormalizedText, out: NormalizedText): void {
    out.clear();
    const text = unitsText(input.units, 0, input.length);
    const regex = this.regex;
    regex.lastIndex = 0;
    let copied = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end === start) {
        regex.lastIndex++; // an empty match replaces nothing (the reference skips them too)
        continue;
      }
      for (let k = copied; k < start; k++) out.push(input.units[k] ?? 0, input.starts[k] ?? 0, input.ends[k] ?? 0);
      // The reference inserts the replacement after removing the match, so it takes the last matched character's span.
      const from = input.starts[end - 1] ?? 0;
      const to = input.ends[end - 1] ?? 0;
      for (let j = 0; j < this.content.length; j++) out.push(this.content.charCodeAt(j), from, to);
      copied = end;
    }
    for (let k = copied; k < input.length; k++) out.push(input.units[k] ?? 0, input.starts[k] ?? 0, input.ends[k] ?? 0);
  }

  toJSON(): JsonObject {
    return { type: 'Replace', pattern: { ...this.pattern }, content: this.content };
  }
}
