import test from 'node:test';
import assert from 'node:assert/strict';
import { splitSentences } from '../../src/data/sentence-splitter.js';

test('splits after . ! ? before a capital, a digit or a quote', () => {
  assert.deepEqual(splitSentences('It rained. We stayed in! Did you? "Yes," she said. 1961 was dry.'), [
    'It rained.',
    'We stayed in!',
    'Did you?',
    '"Yes," she said.',
    '1961 was dry.',
  ]);
});

test('closing quotes and brackets stay with their sentence', () => {
  assert.deepEqual(splitSentences('He said "go." Then he left. (It was late.) Next day came.'), [
    'He said "go."',
    'Then he left.',
    '(It was late.)',
    'Next day came.',
  ]);
});

test('abbreviations, initials and acronyms do not end sentences', () => {
  assert.deepEqual(splitSentences('Mr. Smith met Dr. Jones in the U.S. Army. J. F. Kennedy spoke, e.g. About taxes.'), [
    'Mr. Smith met Dr. Jones in the U.S. Army.',
    'J. F. Kennedy spoke, e.g. About taxes.',
  ]);
  assert.deepEqual(splitSentences('See No. 5 for details. No. That is wrong.'), ['See No. 5 for details.', 'No.', 'That is wrong.']);
});

test('a lower-case continuation, a decimal and a list number are not boundaries', () => {
  assert.deepEqual(splitSentences('The value is 3.5 today. it goes on.'), ['The value is 3.5 today. it goes on.']);
  assert.deepEqual(splitSentences('9. During the session, the Committee met. It agreed.'), ['9. During the session, the Committee met.', 'It agreed.']);
});

test('ellipses and runs of punctuation end a sentence; whitespace is trimmed; empty text gives nothing', () => {
  assert.deepEqual(splitSentences('  Wait... What?! Fine.  '), ['Wait...', 'What?!', 'Fine.']);
  assert.deepEqual(splitSentences('   '), []);
});
