/**
 * Where transformers.js's answers and entity groups sit in the text. Its question-answering pipeline returns only
 * `{answer, score}` (the decoded tokens) and its token-classification groups no token indices; the goldens also
 * record character spans (Hugging Face Python's `start`/`end`), so bench/pipeline-goldens.mjs re-derives the token
 * spans by transformers.js 4.3.2's rules (src/pipelines/question-answering.js, token-classification.js), asserts
 * that they reproduce its outputs exactly, and maps the tokens to characters with Hugging Face tokenizers' offsets.
 */

/**
 * question-answering.js: logits at padding, at the question (up to its [SEP]) and at special tokens are −∞, the
 * [CLS] stays in the softmax and is then zeroed, and every span start ≤ end is scored start·end, best first.
 * Returns `[start, end, score]` token spans.
 * @param {number[]} ids  @param {Float32Array|number[]} startLogits  @param {Float32Array|number[]} endLogits
 * @param {Set<number>} specialIds  @param {number} sepId  @param {(xs: number[]) => number[]} softmax
 */
export function answerSpans(ids, startLogits, endLogits, specialIds, sepId, softmax) {
  const sepIndex = ids.indexOf(sepId);
  const start = Array.from(startLogits);
  const end = Array.from(endLogits);
  for (let i = 1; i < start.length; i++) {
    if (i <= sepIndex || specialIds.has(ids[i])) {
      start[i] = -Infinity;
      end[i] = -Infinity;
    }
  }
  const startScores = softmax(start);
  const endScores = softmax(end);
  startScores[0] = 0;
  endScores[0] = 0;
  const spans = [];
  for (let s = 0; s < ids.length; s++) {
    for (let e = s; e < ids.length; e++) spans.push([s, e, startScores[s] * endScores[e]]);
  }
  // Array.prototype.sort is stable: equal scores keep (start, end) order, as the pipeline's product() does.
  return spans.sort((a, b) => b[2] - a[2]);
}

/** token-classification.js getTag: `B-`/`I-`/`E-`/`S-` prefixes, anything else is an inside tag of its own name. */
function tag(entity) {
  const p = entity[0];
  return entity[1] === '-' && (p === 'B' || p === 'I' || p === 'E' || p === 'S') ? [p, entity.slice(2)] : ['I', entity];
}

/**
 * token-classification.js groupEntities (aggregation "simple"): a token continues the open group when its tag
 * matches and its prefix is not B or S; E closes the group, S opens and closes one. Returns each group's tag and
 * its tokens (the pipeline's per-token entries, in order).
 * @template {{ entity: string }} T
 * @param {T[]} tokens
 * @returns {Array<{ tag: string, members: T[] }>}
 */
export function simpleGroups(tokens) {
  const groups = [];
  let openTag = null;
  for (const token of tokens) {
    const [prefix, name] = tag(token.entity);
    if (openTag === name && prefix !== 'B' && prefix !== 'S') {
      groups[groups.length - 1].members.push(token);
      if (prefix === 'E') openTag = null;
    } else {
      groups.push({ tag: name, members: [token] });
      openTag = prefix === 'S' ? null : name;
    }
  }
  return groups;
}

/** For each code point of `text`, its UTF-16 index (and one past the end): tokenizers' offsets count code points. */
export function utf16Index(text) {
  const out = [0];
  let unit = 0;
  for (const ch of text) {
    unit += ch.length;
    out.push(unit);
  }
  return out;
}
