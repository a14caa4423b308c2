/** UTF-16 units with the original span of each (start and end offsets), as the tokenizer's word buffers hold them. */
export interface UnitSpans {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
}

/** Moves `buffers` to arrays of `capacity` (≥ their length), keeping what they hold. */
export function growUnitSpans(buffers: UnitSpans, capacity: number): void {
  const units = new Uint16Array(capacity);
  const starts = new Int32Array(capacity);
  const ends = new Int32Array(capacity);
  units.set(buffers.units);
  starts.set(buffers.starts);
  ends.set(buffers.ends);
  buffers.units = units;
  buffers.starts = starts;
  buffers.ends = ends;
}

/** units[from, to) as a string, in slices (spreading a long word into fromCharCode would overflow the stack). */
export function unitsText(units: Uint16Array, from: number, to: number): string {
  let text = '';
  for (let k = from; k < to; k += 4096) text += String.fromCharCode(...units.subarray(k, Math.min(to, k + 4096)));
  return text;
}
