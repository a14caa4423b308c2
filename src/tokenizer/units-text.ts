/**
 * UTF-16 units as a string. The platform's UTF-16 decoder is the fast way (spreading a typed array into
 * String.fromCharCode is slow, and overflows the call stack on long runs); a lone surrogate becomes U+FFFD, one unit
 * for one, so indices into the string are indices into the units.
 */
const utf16 = new TextDecoder('utf-16le');

export function unitsText(units: Uint16Array, from: number, to: number): string {
  return utf16.decode(units.subarray(from, to));
}
