/**
 * Encodings as Hugging Face `tokenizers` gives them in the byte-level goldens (reference/make_bpe_fixtures.py,
 * make_added_token_fixtures.py): ids, offsets in code points of the text each token came from, word ids.
 */
import assert from 'node:assert/strict';
import type { Encoding, Tokenizer } from '../../src/tokenizer/index.js';
import { toCodePointOffsets } from './reference.js';

export interface Golden {
  input: string | [string, string];
  ids: number[];
  offsets: number[];
  words: number[];
}

/** Our encoding in the goldens' terms: offsets in code points of the text each token came from. */
function asGolden(e: Encoding, input: Golden['input']): Omit<Golden, 'input'> {
  const [a, b] = typeof input === 'string' ? [input, ''] : input;
  const inA = toCodePointOffsets(a, e.offsets);
  const inB = toCodePointOffsets(b, e.offsets);
  return { ids: Array.from(e.ids), offsets: inA.map((o, i) => (e.sequenceIds[i >> 1] === 1 ? inB[i] : o) ?? -1), words: Array.from(e.wordIds) };
}

export function checkAll(t: Tokenizer, expected: readonly Golden[], label: string): void {
  let mismatches = 0;
  const examples: string[] = [];
  for (const g of expected) {
    const e = typeof g.input === 'string' ? t.encode(g.input) : t.encode(g.input[0], g.input[1]);
    assert.ok(e.typeIds.every((id) => id === 0), 'RoBERTa has one token type');
    const ours = asGolden(e, g.input);
    const { input, ...theirs } = g;
    try {
      assert.deepEqual(ours, theirs);
    } catch {
      mismatches++;
      if (examples.length < 3) examples.push(`${JSON.stringify(input).slice(0, 200)}\n  ours   ${JSON.stringify(ours).slice(0, 400)}\n  theirs ${JSON.stringify(theirs).slice(0, 400)}`);
    }
  }
  console.log(`bpe parity ${label}: ${expected.length} inputs, ${mismatches} mismatches`);
  assert.equal(mismatches, 0, `${label}: ${mismatches} of ${expected.length} differ, e.g.\n${examples.join('\n')}`);
}
