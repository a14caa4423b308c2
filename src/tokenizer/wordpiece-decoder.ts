/**
 * Hugging Face's WordPiece decoder: pieces joined with spaces, `##` continuations glued to the previous piece, and
 * (optionally) its cleanup of spaces before punctuation and in contractions — applied token by token, as the Rust
 * library does, so the output matches it exactly.
 */
export function decodeWordPieces(tokens: readonly string[], prefix: string, cleanup: boolean): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    let token = tokens[i] ?? '';
    if (i > 0) token = token.startsWith(prefix) ? token.slice(prefix.length) : ' ' + token;
    if (cleanup) token = cleanUpSpaces(token);
    out += token;
  }
  return out;
}

/** Hugging Face's decoder cleanup, applied to each token (with its leading space) as the Rust library does. */
function cleanUpSpaces(token: string): string {
  return token
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
