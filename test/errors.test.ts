import test from 'node:test';
import assert from 'node:assert/strict';
import { valuePreview } from '../src/error-text.js';
import { CheckpointError, ShapeError, TsbertError } from '../src/errors.js';

test('typed errors keep their class and name', () => {
  const error = new ShapeError('matmul: inner sizes differ');
  assert.ok(error instanceof TsbertError);
  assert.equal(error.name, 'ShapeError');
});

test('typed error messages stay on one line: control characters from file content are escaped (found by npm run fuzz)', () => {
  const error = new CheckpointError('model.bin: entry "a\nb\u2028c" is missing');
  assert.equal(error.message, 'model.bin: entry "a\\u000ab\\u2028c" is missing');
  assert.equal(new ShapeError('plain message').message, 'plain message');
});

test('valuePreview quotes any value briefly and never throws, however deep or long', () => {
  let deep: unknown = 0;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(valuePreview(deep), '[[[...]]]');
  assert.equal(valuePreview('x'.repeat(1_000_000)), `"${'x'.repeat(40)}..." (1000000 chars)`);
  assert.equal(valuePreview({ a: [1, 'two', null], b: { c: true } }), '{"a": [1, "two", null], "b": {"c": true}}');
  assert.equal(valuePreview([1, 2, 3, 4, 5, 6]), '[1, 2, 3, 4, ... (6 items)]');
  assert.equal(valuePreview('line\nbreak'), '"line\\nbreak"');
  assert.equal(valuePreview(12n), '12n');
});
