/**
 * What reading one text input found — lines, invalid UTF-8, whether there is any word at all — so that commands
 * warn with counts instead of silently eating garbage, and refuse an input that holds no usable text.
 *
 * The refusal rule (documented in the commands' help): an input is refused when it is empty, when it holds no
 * letter or digit at all, or when more than a quarter of its characters are invalid UTF-8 — random or binary data
 * comes out near half; text in a legacy 8-bit encoding (Latin-1 accents) stays far below, and is only warned about.
 */
import { fileError, type FileRole } from '../io/checked-file.js';

/** Above this share of replaced characters, an input is taken for binary data, not text. */
export const MAX_INVALID_UTF8_SHARE = 0.25;

export class TextStats {
  lines = 0;
  /** Characters decoded, line ends included. */
  chars = 0;
  /** Lines with at least one invalid UTF-8 sequence. */
  invalidLines = 0;
  /** U+FFFD characters that decoding put in place of invalid bytes (a U+FFFD written in the file is not counted). */
  replacedChars = 0;
  /** Lines (or sentences) the consumer dropped; it says why in `warning`. */
  skipped = 0;
  /** Whether a letter or digit was seen. */
  hasWord = false;

  /** `source` names the input in messages: a path, or "stdin". */
  constructor(readonly source: string) {}

  /**
   * A one-line warning about invalid UTF-8 and skipped lines, or undefined when there is nothing to say.
   * `skippedUnit` and `skippedWhy` word the skipped count: "2 sentences skipped (nothing to tokenize)".
   */
  warning(skippedUnit = 'line', skippedWhy = 'skipped'): string | undefined {
    const parts: string[] = [];
    if (this.invalidLines > 0) {
      parts.push(`${count(this.invalidLines)} of ${count(this.lines)} ${this.lines === 1 ? 'line' : 'lines'} ${this.invalidLines === 1 ? 'has' : 'have'} invalid UTF-8 ` +
        `(${count(this.replacedChars)} ${this.replacedChars === 1 ? 'character' : 'characters'} replaced by U+FFFD)`);
    }
    if (this.skipped > 0) parts.push(`${count(this.skipped)} ${skippedUnit}${this.skipped === 1 ? '' : 's'} ${skippedWhy}`);
    return parts.length === 0 ? undefined : `${this.source}: ${parts.join('; ')}`;
  }

  /** Throws the role's error (DataError by default) when the input holds no usable text; see the file comment. */
  requireUsable(role: FileRole): void {
    if (this.chars === 0) throw fileError(this.source, role, 'is empty');
    const invalidShare = this.replacedChars / this.chars;
    if (invalidShare > MAX_INVALID_UTF8_SHARE) {
      throw fileError(this.source, role, `is not UTF-8 text: ${(100 * invalidShare).toFixed(0)}% of its characters are invalid UTF-8 ` +
        `(over ${100 * MAX_INVALID_UTF8_SHARE}%: binary data, or text in another encoding — convert it to UTF-8)`);
    }
    if (!this.hasWord) throw fileError(this.source, role, `holds no text: no letter or digit in its ${count(this.lines)} line${this.lines === 1 ? '' : 's'}`);
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
