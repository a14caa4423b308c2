/** `tsbert forward`, the cross-framework contract, reproduces the PyTorch fixture through files. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runForward } from '../../src/cli/commands/forward.js';
import { readSafetensors, toFloat32 } from '../../src/io/safetensors.js';
import { maxAbsoluteError, normRelativeError } from '../helpers/assert-close.js';
import { fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

test('tsbert forward --grads writes the outputs, loss and gradients of the PyTorch fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-forward-'));
  try {
    const output = join(dir, 'out.safetensors');
    const golden = fixturePath('reference', 'bert-tiny', 'golden.safetensors');
    runForward({ model: fixturePath('reference', 'bert-tiny'), input: golden, output, grads: true });
    const out = readSafetensors(output);
    const expected = readSafetensors(golden);
    for (const name of ['last_hidden_state', 'pooler_output', 'prediction_logits', 'seq_relationship_logits', 'loss']) {
      assert.deepEqual(out.get(name).shape, expected.get(name).shape, name);
      assert.ok(maxAbsoluteError(toFloat32(out.get(name)), toFloat32(expected.get(name))) < 1e-4, name);
    }
    const gradNames = [...out.tensors.keys()].filter((n) => n.startsWith('grad.'));
    assert.equal(gradNames.length, 46);
    for (const name of gradNames) {
      assert.ok(normRelativeError(toFloat32(out.get(name)), toFloat32(expected.get(name)), 1e-6) < 1e-3, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
