/**
 * Lines of a byte stream as strings, without holding the stream in memory: chunks are decoded up to their last
 * newline, so a line is only kept whole while it is being read. Invalid UTF-8 becomes U+FFFD (which BERT's
 * clean-text then drops) and is reported once through `onInvalidUtf8`. A final '\r' is removed from each line.
 */
export async function* readLines(
  stream: AsyncIterable<Buffer | string>,
  onInvalidUtf8?: () => void,
): AsyncGenerator<string, void, undefined> {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const lenient = new TextDecoder('utf-8');
  let warned = false;
  const decode = (bytes: Uint8Array): string => {
    try {
      return strict.decode(bytes);
    } catch {
      if (!warned) {
        warned = true;
        onInvalidUtf8?.();
      }
      return lenient.decode(bytes);
    }
  };
  let pending: Buffer[] = [];
  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline < 0) {
      pending.push(chunk);
      continue;
    }
    pending.push(chunk.subarray(0, lastNewline));
    const text = decode(pending.length === 1 ? (pending[0] ?? chunk) : Buffer.concat(pending));
    pending = [chunk.subarray(lastNewline + 1)];
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      const line = end < 0 ? text.slice(start) : text.slice(start, end);
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
      if (end < 0) break;
      start = end + 1;
    }
  }
  const rest = Buffer.concat(pending);
  if (rest.length > 0) {
    const line = decode(rest);
    yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}
