/**
 * GPT-2's byte-to-unicode map (openai/gpt-2 encoder.py `bytes_to_unicode`, tokenizers/src/pre_tokenizers/byte_level.rs
 * `bytes_char`): every byte becomes one visible character, so a byte-level vocabulary is plain text. The printable
 * bytes '!'..'~', '¡'..'¬', '®'..'ÿ' stand for themselves; the other 68 bytes, in order, take U+0100 upwards (space
 * 0x20 → 'Ġ' U+0120, newline 0x0A → 'Ċ' U+010A). All 256 characters are single UTF-16 units below U+0144.
 */

/** Byte → its character's UTF-16 unit. */
export const BYTE_TO_UNIT: Uint16Array = (() => {
  const table = new Uint16Array(256);
  let next = 0x100;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = printable ? b : next++;
  }
  return table;
})();

/** Unit → byte, -1 for units that stand for no byte. */
export const UNIT_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(0x144).fill(-1);
  for (let b = 0; b < 256; b++) table[BYTE_TO_UNIT[b] ?? 0] = b;
  return table;
})();

/** The 256 byte characters in byte order (tokenizers' `ByteLevel::alphabet()`, the trainer's initial alphabet). */
export function byteLevelAlphabet(): string[] {
  return Array.from(BYTE_TO_UNIT, (unit) => String.fromCharCode(unit));
}

/** The byte character of a space: the mark of a word that followed a space ('Ġ'). */
export const SPACE_UNIT = BYTE_TO_UNIT[0x20] ?? 0;

/**
 * Writes the UTF-8 bytes of code point `cp` into `out` from `at`; returns how many (1–4). Lone surrogates never get
 * here: NormalizedText hands them on as U+FFFD, as the reference receives them.
 */
export function utf8Bytes(cp: number, out: Uint8Array, at: number): number {
  if (cp < 0x80) {
    out[at] = cp;
    return 1;
  }
  if (cp < 0x800) {
    out[at] = 0xc0 | (cp >> 6);
    out[at + 1] = 0x80 | (cp & 0x3f);
    return 2;
  }
  if (cp < 0x10000) {
    out[at] = 0xe0 | (cp >> 12);
    out[at + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[at + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  out[at] = 0xf0 | (cp >> 18);
  out[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[at + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[at + 3] = 0x80 | (cp & 0x3f);
  return 4;
}
