/**
 * Python indexes strings by code point, JavaScript by UTF-16 unit: an index into a text with characters outside the
 * Basic Multilingual Plane (emoji, some CJK) means different places in the two. SQuAD's `answer_start` and Hugging
 * Face tokenizers' offsets are code point indices.
 */

/** Maps a code point index of `text` to its UTF-16 index (-1 past the end); the identity when no surrogate pairs. */
export function codePointToUtf16(text: string): (codePoint: number) => number {
  const length = text.length;
  if (!/[\ud800-\udbff][\udc00-\udfff]/.test(text)) return (codePoint) => (codePoint <= length ? codePoint : -1);
  const units: number[] = [];
  for (let i = 0; i < length; i++) {
    units.push(i);
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) i++;
  }
  units.push(length);
  return (codePoint) => units[codePoint] ?? -1;
}
