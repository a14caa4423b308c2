import test from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, TsbertError } from '../src/errors.js';

test('typed errors keep their class and name', () => {
  const error = new ShapeError('matmul: inner sizes differ');
  assert.ok(error instanceof TsbertError);
  assert.equal(error.name, 'ShapeError');
});
