/**
 * The clean-up of spaces before punctuation and in English contractions. Two libraries apply it differently:
 * Hugging Face tokenizers' WordPiece decoder (decoders/wordpiece.rs `cleanup`) to each token with its leading space,
 * with one more rule (" do not" → " don't"); transformers' `clean_up_tokenization` (tokenization_utils_base.py, what
 * `tokenizer.decode` applies when clean_up_tokenization_spaces is set) to the whole decoded text. "atlanta ' s"
 * is left alone token by token but becomes "atlanta's" as a whole.
 */
const RULES: ReadonlyArray<readonly [string, string, 'both' | 'tokenizers']> = [
  [' .', '.', 'both'],
  [' ?', '?', 'both'],
  [' !', '!', 'both'],
  [' ,', ',', 'both'],
  [" ' ", "'", 'both'],
  [" n't", "n't", 'both'],
  [" 'm", "'m", 'both'],
  [' do not', " don't", 'tokenizers'],
  [" 's", "'s", 'both'],
  [" 've", "'ve", 'both'],
  [" 're", "'re", 'both'],
];

/** `library`: whose rule list — 'tokenizers' (per token, in the WordPiece decoder) or 'transformers' (whole text). */
export function cleanUpSpaces(text: string, library: 'tokenizers' | 'transformers'): string {
  let out = text;
  for (const [from, to, where] of RULES) if (where === 'both' || library === 'tokenizers') out = out.replaceAll(from, to);
  return out;
}
