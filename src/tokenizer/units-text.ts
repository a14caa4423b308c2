/** UTF-16 units as a string, in chunks: spreading a long run into String.fromCharCode overflows the call stack. */
export function unitsText(units: Uint16Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i += 8192) text += String.fromCharCode(...units.subarray(i, Math.min(to, i + 8192)));
  return text;
}
