/**
 * DistilBERT heads in training mode against PyTorch given its dropout masks (make_distilbert_fixtures.py →
 * distilbert/<head>-dropout): dropout 0.1 after the embeddings and each feed-forward, 0.2 on the attention
 * probabilities, none after out_lin, and each head's own — seq_classif_dropout 0.3 (sequence classification, multiple
 * choice), dropout 0.1 (token classification), qa_dropout 0.25 (question answering). The dropout kernel replays
 * PyTorch's keep masks in call order (helpers/replayed-dropout.ts), so a missing, extra or misplaced dropout, or a
 * wrong rate, shows. Heads that read the first token alone run the last layer's feed-forward at those rows: its mask
 * is PyTorch's at position 0.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { backward } from '../../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../../helpers/assert-close.js';
import { backendCases, withBackend } from '../../helpers/backends.js';
import { floatTensor } from '../../helpers/fixtures.js';
import { compareHeadGradients, HEAD_OUTPUT_ABS_TOLERANCE } from '../../helpers/head-goldens.js';
import { replayingDropout } from '../../helpers/replayed-dropout.js';
import { toInt32 } from '../../../src/io/safetensors.js';
import { GOLDEN_HEADS, goldenDir, readGolden } from './distilbert-goldens.js';
import '../../helpers/node-runtime.js';

const HEADS: { head: string; firstTokenOnly: boolean }[] = [
  { head: 'sequence-classification', firstTokenOnly: true },
  { head: 'token-classification', firstTokenOnly: false },
  { head: 'question-answering', firstTokenOnly: false },
  { head: 'multiple-choice', firstTokenOnly: true },
];

for (const backendCase of backendCases()) {
  for (const { head, firstTokenOnly } of HEADS) {
    test(`DistilBERT ${head} in training mode matches PyTorch given its dropout masks (${backendCase.name})`, (t) => {
      if (backendCase.skip !== undefined) return t.skip(backendCase.skip);
      const folder = `${head}-dropout`;
      const golden = readGolden(folder);
      const sites = JSON.parse(golden.metadata['dropout_sites']!) as { site: string; p: number }[];
      const keeps = sites.map((_, i) => toInt32(golden.get(`dropout_keep.${i}`)));
      const model = GOLDEN_HEADS[head]!.load(goldenDir(folder)).train();
      const lastFfn = `layer.${model.config.nLayers - 1}.ffn`;
      const firstTokenSites = new Set(firstTokenOnly ? sites.flatMap((s, i) => s.site === lastFfn ? [i] : []) : []);
      const ids = golden.get('input_ids').shape;
      const rows = ids.slice(0, -1).reduce((a, b) => a * b, 1);
      const rates: number[] = [];
      withBackend(replayingDropout(backendCase.backend!, keeps, rates, firstTokenSites, rows, ids[ids.length - 1]!), () => {
        const outputs = GOLDEN_HEADS[head]!.run(model, golden);
        assert.deepEqual(rates, sites.map((s) => s.p), `dropout rates in order (${sites.map((s) => s.site).join(', ')})`);
        let worst = 0;
        for (const [name, actual] of Object.entries(outputs)) {
          const error = maxAbsoluteError(actual.data, floatTensor(golden, name).data);
          worst = Math.max(worst, error);
          assert.ok(error <= HEAD_OUTPUT_ABS_TOLERANCE, `${folder} ${name}: max abs error ${error.toExponential(2)}`);
        }
        backward(outputs['loss']!);
        t.diagnostic(`worst output error ${worst.toExponential(2)}; gradients: ${compareHeadGradients(model.namedParameters(), golden, '', folder)}`);
      });
    });
  }
}
