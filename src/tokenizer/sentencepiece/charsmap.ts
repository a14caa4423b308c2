/**
 * SentencePiece's precompiled character map (normalizer_spec.precompiled_charsmap; sentencepiece normalizer.cc,
 * DecodePrecompiledCharsMap): a little-endian uint32 with the trie's size in bytes, a Darts-clone double-array trie
 * over UTF-8 byte strings (32-bit units), then the normalized strings, NUL-terminated, which the trie's values
 * point into. The rules are nmt_nfkc's (NFKC plus sentencepiece's extras), compiled by spm_train.
 *
 * A Darts unit (darts.h, DoubleArrayUnit): bits 0–7 the label, bit 8 "has a leaf", bits 10–31 the offset to the
 * children (shifted left by 8 when bit 9 is set); a leaf unit stores its value in bits 0–30 and has bit 31 set, so
 * its label never equals a byte. Malformed data cannot make a lookup read out of bounds or loop (a walk is bounded by
 * the text and MAX_KEY_BYTES; a unit past the array ends it); a value pointing past the strings is a TokenizerError
 * when a text first reaches it. (Walking the whole trie when loading would catch that earlier, but darts-clone's
 * array is a DAWG of ~45k units whose full walk costs more than the rest of loading.)
 */
import { TokenizerError } from '../../errors.js';

/** Longest key walked from one position; sentencepiece's rules are a few characters long. */
export const MAX_KEY_BYTES = 60;
/** The same bound in UTF-16 units (a unit is at least one byte), so a match's length fits 6 bits. */
const MAX_KEY_UNITS = MAX_KEY_BYTES;
/** UTF-8 lead-byte marks by sequence length. */
const LEAD = [0, 0, 0xc0, 0xe0, 0xf0];

export class PrecompiledCharsMap {
  private readonly units: Uint32Array;
  private readonly strings: Uint8Array;
  /** Normalized string of each value (offset into `strings`), decoded once. */
  private readonly decoded = new Map<number, string>();
  /** The raw blob, as tokenizer.json stores it (base64). */
  readonly bytes: Uint8Array;
  private readonly source: string;

  constructor(bytes: Uint8Array, source: string) {
    this.bytes = bytes;
    if (bytes.length <= 4) throw new TokenizerError(`${source}: precompiled_charsmap has ${bytes.length} bytes, too short for a trie`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const trieSize = view.getUint32(0, true);
    if (trieSize >= bytes.length - 4 || trieSize % 4 !== 0 || trieSize === 0) {
      throw new TokenizerError(`${source}: precompiled_charsmap's trie size ${trieSize} does not fit its ${bytes.length} bytes`);
    }
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.strings = bytes.subarray(4 + trieSize);
    this.source = source;
  }

  /**
   * The longest rule matching text that starts at unit `k` of `units[0, length)` (sentencepiece's NormalizePrefix,
   * which keeps the longest of commonPrefixSearch over the UTF-8 bytes): packed as `value * 64 + units matched`, or -1
   * when none matches. The text's UTF-8 bytes are produced as the walk goes, one code point at a time.
   */
  longestMatch(units: Uint16Array, k: number, length: number): number {
    const trie = this.units;
    let found = -1;
    let node = offset(trie[0] ?? 0);
    for (let i = k; i < length && i - k < MAX_KEY_UNITS; ) {
      let cp = units[i] ?? 0;
      let size = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < length && (units[i + 1] ?? 0) >= 0xdc00 && (units[i + 1] ?? 0) <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + ((units[i + 1] ?? 0) - 0xdc00);
        size = 2;
      } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      let leaf = false;
      for (let j = n - 1; j >= 0; j--) {
        const byte = j === n - 1 && n === 1 ? cp : j === n - 1 ? (LEAD[n] ?? 0) | (cp >> (6 * j)) : 0x80 | ((cp >> (6 * j)) & 0x3f);
        node ^= byte;
        const unit = trie[node];
        if (unit === undefined || label(unit) !== byte) return found;
        node ^= offset(unit);
        leaf = hasLeaf(unit);
      }
      i += size;
      if (leaf) found = ((trie[node] ?? 0) & 0x7fffffff) * 64 + (i - k);
    }
    return found;
  }

  /** The normalized string a value points to. */
  normalized(value: number): string {
    let text = this.decoded.get(value);
    if (text === undefined) {
      if (value >= this.strings.length) {
        throw new TokenizerError(`${this.source}: precompiled_charsmap has a rule whose value ${value} points past its ${this.strings.length} bytes of strings`);
      }
      let end = value;
      while (end < this.strings.length && this.strings[end] !== 0) end++;
      text = new TextDecoder().decode(this.strings.subarray(value, end));
      this.decoded.set(value, text);
    }
    return text;
  }

  /** Every rule as [input bytes as a string, output] — for tests and inspection. */
  rules(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const decoder = new TextDecoder();
    const walk = (node: number, key: number[]): void => {
      this.children(node, (byte, next, value) => {
        key.push(byte);
        if (value >= 0) out.push([decoder.decode(new Uint8Array(key)), this.normalized(value)]);
        walk(next, key);
        key.pop();
      });
    };
    walk(offset(this.units[0] ?? 0), []);
    return out;
  }

  /** Calls `visit(byte, child node, value or -1)` for each child of `node`. */
  private children(node: number, visit: (byte: number, next: number, value: number) => void): void {
    const units = this.units;
    for (let byte = 1; byte < 256; byte++) {
      const child = node ^ byte;
      const unit = units[child];
      if (unit === undefined || label(unit) !== byte) continue;
      const next = child ^ offset(unit);
      const leaf = units[next];
      visit(byte, next, !hasLeaf(unit) ? -1 : leaf === undefined ? -2 : leaf & 0x7fffffff);
    }
  }
}

function label(unit: number): number {
  return unit & 0x800000ff;
}

function hasLeaf(unit: number): boolean {
  return ((unit >>> 8) & 1) === 1;
}

function offset(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}
