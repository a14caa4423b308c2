/**
 * Every Unicode code point, through normalization and pre-tokenization, against Hugging Face `tokenizers`'
 * BertNormalizer + BertPreTokenizer, for uncased, cased and lowercase-without-strip settings. Catches any character
 * whose class (control, whitespace, punctuation, mark, CJK) or mapping (NFD, lowercase) differs from the reference.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BasicTokenizer } from '../../src/tokenizer/index.js';
import { hf } from './reference.js';

// The mixed settings stop at the end of plane 1 to keep npm test short (planes 2+ hold CJK and private use only).
const SETTINGS: Array<{ name: string; lowercase: boolean; stripAccents: boolean; last: number; cleanText?: boolean; handleChineseChars?: boolean }> = [
  { name: 'uncased', lowercase: true, stripAccents: true, last: 0x10ffff },
  { name: 'cased', lowercase: false, stripAccents: false, last: 0x10ffff },
  { name: 'lowercase, accents kept', lowercase: true, stripAccents: false, last: 0x1ffff },
  { name: 'accents stripped, case kept', lowercase: false, stripAccents: true, last: 0x1ffff },
  { name: 'uncased, no clean-text, CJK not split', lowercase: true, stripAccents: true, last: 0xffff, cleanText: false, handleChineseChars: false },
];

for (const setting of SETTINGS) {
  test(`every code point (to U+${setting.last.toString(16)}) is normalized and split as tokenizers does (${setting.name})`, () => {
    const cleanText = setting.cleanText ?? true;
    const handleChineseChars = setting.handleChineseChars ?? true;
    const basic = new BasicTokenizer({ lowercase: setting.lowercase, stripAccents: setting.stripAccents, cleanText, handleChineseChars });
    const normalizer = hf.bertNormalizer({ cleanText, handleChineseChars, lowercase: setting.lowercase, stripAccents: setting.stripAccents });
    const pre = hf.bertPreTokenizer();
    let compared = 0;
    const CHUNK = 4096;
    for (let first = 0; first <= setting.last; first += CHUNK) {
      let text = '';
      for (let c = first; c < first + CHUNK && c <= setting.last; c++) {
        if (c >= 0xd800 && c <= 0xdfff) continue;
        // Each character between letters, so marks, punctuation and spaces all show their effect on word bounds.
        text += 'a' + String.fromCodePoint(c) + (c % 3 === 0 ? ' ' : 'b');
        compared++;
      }
      const theirs = pre.preTokenizeString(normalizer.normalizeString(text)).map(([word]) => word);
      const ours = basic.tokenize(text);
      if (ours.length !== theirs.length || ours.some((w, i) => w !== theirs[i])) {
        const at = ours.findIndex((w, i) => w !== theirs[i]);
        assert.fail(
          `U+${first.toString(16)} block: word ${at}: ours ${JSON.stringify(ours.slice(Math.max(0, at - 2), at + 3))}, theirs ${JSON.stringify(theirs.slice(Math.max(0, at - 2), at + 3))}`,
        );
      }
    }
    assert.equal(compared, setting.last + 1 - 0x800);
  });
}
