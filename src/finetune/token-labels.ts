/**
 * Word tags ⇄ token labels for token classification, as transformers' run_ner.py (tokenize_and_align_labels) does
 * it over a word-level encoding (Tokenizer.encodeWords, whose word ids index the input words):
 * - a word's first token gets the word's tag id; special tokens and the word's other tokens get IGNORE_INDEX, which
 *   the loss skips;
 * - with `labelAllTokens`, the other tokens get the tag of the I- form instead (run_ner's `b_to_i_label`: B-X → I-X
 *   when I-X is a tag, else the tag itself).
 * "First" is run_ner's test: the token's word differs from the previous token's (a special token resets it).
 *
 * The way back, for predictions: each word takes the prediction of its first token. A word with no token in the
 * encoding — cut off by truncation at maxLength, or a word that tokenizes to nothing — gets `missingTag` ("O").
 * run_ner.py instead drops such words: it keeps predictions only where the aligned labels are not -100, so its
 * predictions (and the references seqeval scores them against) are shorter than the sentence. One tag per word is
 * what the CoNLL prediction file needs (conll.ts), hence "O" here.
 */
import { ValueError } from '../errors.js';

/** PyTorch's CrossEntropyLoss ignore_index default; run_ner.py's label for tokens that carry no tag. */
export { IGNORE_INDEX } from '../ops/cross-entropy.js';
import { IGNORE_INDEX } from '../ops/cross-entropy.js';

/** For each tag id, the id of its I- form: run_ner.py's b_to_i_label (B-X → I-X when I-X is in the list). */
export function insideTagIds(tags: readonly string[]): Int32Array {
  const index = new Map(tags.map((tag, id) => [tag, id]));
  return Int32Array.from(tags, (tag, id) => {
    // run_ner.py: `label.startswith("B-") and label.replace("B-", "I-") in label_list` (replace: every occurrence).
    const inside = tag.startsWith('B-') ? index.get(tag.replaceAll('B-', 'I-')) : undefined;
    return inside ?? id;
  });
}

export interface AlignOptions {
  /** Label every token of a word, not only the first (run_ner.py's --label_all_tokens). Default false. */
  labelAllTokens?: boolean;
  /** With labelAllTokens: insideTagIds(tags), the tag of a word's later tokens. Default: the word's own tag. */
  insideTags?: ArrayLike<number>;
}

/**
 * Token labels of one encoding: `wordIds` as Encoding.wordIds (-1 for special and padding tokens), `tagIds` one per
 * input word. Returns one label per token.
 */
export function alignTagsToTokens(wordIds: ArrayLike<number>, tagIds: ArrayLike<number>, options: AlignOptions = {}): Int32Array {
  const labelAll = options.labelAllTokens ?? false;
  const inside = options.insideTags;
  const labels = new Int32Array(wordIds.length);
  let previous = -1;
  for (let i = 0; i < wordIds.length; i++) {
    const word = wordIds[i]!;
    if (word < 0) labels[i] = IGNORE_INDEX;
    else {
      const tag = tagIds[word];
      if (tag === undefined) throw new ValueError(`alignTagsToTokens: token ${i} is in word ${word}, but there are ${tagIds.length} tags`);
      if (word !== previous) labels[i] = tag;
      else labels[i] = labelAll ? (inside?.[tag] ?? tag) : IGNORE_INDEX;
    }
    previous = word;
  }
  return labels;
}

/**
 * One tag per word from per-token predicted tag ids (`predictions[i]` for token i): the prediction of the word's
 * first token; `missingTag` for a word without a token (see the file comment).
 */
export function wordTagsFromTokens(
  wordIds: ArrayLike<number>,
  predictions: ArrayLike<number>,
  wordCount: number,
  tags: readonly string[],
  missingTag = 'O',
): string[] {
  const out = new Array<string>(wordCount).fill(missingTag);
  const seen = new Uint8Array(wordCount);
  for (let i = 0; i < wordIds.length; i++) {
    const word = wordIds[i]!;
    if (word < 0 || seen[word] === 1) continue;
    if (word >= wordCount) throw new ValueError(`wordTagsFromTokens: token ${i} is in word ${word}, but the sentence has ${wordCount} words`);
    seen[word] = 1;
    const tag = tags[predictions[i]!];
    if (tag === undefined) throw new ValueError(`wordTagsFromTokens: token ${i} predicts tag id ${predictions[i]}, but there are ${tags.length} tags`);
    out[word] = tag;
  }
  return out;
}
