/**
 * The student's initialisation from its teacher: the layer rule (extract_distilbert.py's [0, 2, 4, 7, 9, 11] for
 * 12 → 6), the name table (each DistilBERT weight ← the BERT weight the extraction script copies), every student
 * weight equal to its named teacher weight on a teacher whose every value is random, and the folded token-type row
 * checked by its consequence: a student of all the teacher's layers computes the teacher's logits.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { realTokenRows } from '../../src/distill/distillation-loss.js';
import {
  STUDENT_POSITION_EMBEDDINGS, studentFromTeacher, studentLayerMap, studentWeightSources, TEACHER_POSITION_EMBEDDINGS, TEACHER_TOKEN_TYPE_EMBEDDINGS,
} from '../../src/distill/student-init.js';
import { teacherRows, type MlmTeacher } from '../../src/distill/teacher.js';
import { ConfigError } from '../../src/errors.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { Rng } from '../../src/tensor/rng.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../helpers/assert-close.js';

/** Odd sizes: hidden 12 = 3 heads of 4, feed-forward 20, vocabulary 41, 4 layers. */
const CONFIG = bertConfigPreset('tiny', {
  vocabSize: 41, hiddenSize: 12, numAttentionHeads: 3, intermediateSize: 20, numHiddenLayers: 4, maxPositionEmbeddings: 16,
});

/**
 * A teacher whose every value is random (fresh LayerNorms are all 1 / 0 and would hide a swapped pair), scaled as
 * reference/README.md's models: LayerNorm weights 1 + 0.1·N(0,1), biases 0.05·N(0,1), the rest 0.3·N(0,1).
 */
function randomTeacher<T extends MlmTeacher>(teacher: T, seed: number): T {
  const rng = new Rng(seed);
  for (const [name, tensor] of teacher.namedParameters()) {
    const [base, spread] = name.endsWith('LayerNorm.weight') ? [1, 0.1] : name.endsWith('bias') ? [0, 0.05] : [0, 0.3];
    for (let i = 0; i < tensor.size; i++) tensor.data[i] = base + spread * rng.normal();
  }
  teacher.eval();
  return teacher;
}

test('the layer rule: 12 → 6 is extract_distilbert.py\'s [0, 2, 4, 7, 9, 11]; first and last kept; 1 layer is layer 0', () => {
  assert.deepEqual(studentLayerMap(12, 6), [0, 2, 4, 7, 9, 11]);
  assert.deepEqual(studentLayerMap(12, 3), [0, 6, 11]);
  assert.deepEqual(studentLayerMap(4, 2), [0, 3]);
  assert.deepEqual(studentLayerMap(4, 4), [0, 1, 2, 3]);
  assert.deepEqual(studentLayerMap(4, 1), [0]);
});

test('--student-layers 0 or more than the teacher has is a one-line ConfigError', () => {
  assert.throws(() => studentLayerMap(4, 0), (e: Error) => e instanceof ConfigError && /--student-layers must be a positive integer, got 0/.test(e.message));
  assert.throws(() => studentLayerMap(4, 5), (e: Error) => e instanceof ConfigError && /--student-layers 5 exceeds the teacher's 4 layers/.test(e.message));
});

test('the name table maps each DistilBERT weight to the BERT weight of extract_distilbert.py', () => {
  const table = new Map(studentWeightSources([0, 2, 4, 7, 9, 11]));
  const expected: [string, string][] = [
    ['distilbert.embeddings.word_embeddings.weight', 'bert.embeddings.word_embeddings.weight'],
    ['distilbert.embeddings.LayerNorm.bias', 'bert.embeddings.LayerNorm.bias'],
    ['distilbert.transformer.layer.0.attention.q_lin.weight', 'bert.encoder.layer.0.attention.self.query.weight'],
    ['distilbert.transformer.layer.1.attention.k_lin.bias', 'bert.encoder.layer.2.attention.self.key.bias'],
    ['distilbert.transformer.layer.2.attention.v_lin.weight', 'bert.encoder.layer.4.attention.self.value.weight'],
    ['distilbert.transformer.layer.3.attention.out_lin.weight', 'bert.encoder.layer.7.attention.output.dense.weight'],
    ['distilbert.transformer.layer.3.sa_layer_norm.weight', 'bert.encoder.layer.7.attention.output.LayerNorm.weight'],
    ['distilbert.transformer.layer.4.ffn.lin1.bias', 'bert.encoder.layer.9.intermediate.dense.bias'],
    ['distilbert.transformer.layer.5.ffn.lin2.weight', 'bert.encoder.layer.11.output.dense.weight'],
    ['distilbert.transformer.layer.5.output_layer_norm.bias', 'bert.encoder.layer.11.output.LayerNorm.bias'],
    ['vocab_transform.weight', 'cls.predictions.transform.dense.weight'],
    ['vocab_layer_norm.weight', 'cls.predictions.transform.LayerNorm.weight'],
    ['vocab_projector.bias', 'cls.predictions.bias'],
  ];
  for (const [student, teacher] of expected) assert.equal(table.get(student), teacher, student);
  assert.ok(![...table.values()].some((name) => name.includes('token_type') || name.includes('pooler') || name.includes('seq_relationship')));
  // 3 embedding weights + 16 per layer + 5 of the MLM head; the position embeddings are folded separately.
  assert.equal(table.size, 3 + 16 * 6 + 5);
});

for (const [name, Teacher] of [['BertForMaskedLM', BertForMaskedLM], ['BertForPreTraining', BertForPreTraining]] as const) {
  test(`every student weight equals its named ${name} weight; positions are the teacher's plus token type 0`, () => {
    const teacher = randomTeacher(new Teacher(CONFIG, { seed: 1 }), 2);
    const student = studentFromTeacher(teacher, 2, { seed: 3 });
    assert.equal(student.config.nLayers, 2);
    assert.equal(student.config.dim, 12);
    assert.equal(student.config.hiddenDim, 20);
    const teacherWeights = new Map(teacher.namedParameters());
    const studentWeights = new Map(student.namedParameters());
    for (const [s, t] of studentWeightSources(studentLayerMap(4, 2))) {
      assert.deepEqual(Array.from(studentWeights.get(s)!.data), Array.from(teacherWeights.get(t)!.data), `${s} ← ${t}`);
    }
    const positions = studentWeights.get(STUDENT_POSITION_EMBEDDINGS)!.data;
    const teacherPositions = teacherWeights.get(TEACHER_POSITION_EMBEDDINGS)!.data;
    const typeRow0 = teacherWeights.get(TEACHER_TOKEN_TYPE_EMBEDDINGS)!.data;
    for (const i of [0, 5, 12 * 7 + 3, positions.length - 1]) {
      assert.equal(positions[i], Math.fround(teacherPositions[i]! + typeRow0[i % 12]!), `position value ${i}`);
    }
  });
}

test('a student of all the teacher\'s layers computes the teacher\'s hidden states and logits (padding included)', () => {
  const teacher = randomTeacher(new BertForPreTraining(CONFIG, { seed: 4 }), 5);
  const student = studentFromTeacher(teacher, 4, { seed: 6 }).eval();
  const ids = Int32Array.from([2, 7, 9, 30, 11, 3, 2, 8, 40, 3, 0, 0]);
  const inputIds = new Tensor(ids, [2, 6]);
  const attentionMask = new Tensor(Int32Array.from(ids, (id) => (id === 0 ? 0 : 1)), [2, 6]);
  const rows = realTokenRows(attentionMask);
  const fromTeacher = teacherRows(teacher, inputIds, attentionMask, rows);
  const fromStudent = noGrad(() => {
    const hidden = student.distilbert.forward({ inputIds, attentionMask }, { lastLayerRows: rows }).lastHiddenState;
    return { hidden, logits: student.predict(hidden) };
  });
  // The same float32 math in another order (DistilBERT's attention path): observed 6.6e-7 (hidden), 1.8e-6 (logits);
  // dropping the token-type row instead moves the hidden states by 3.3.
  assert.ok(maxAbsoluteError(fromStudent.hidden.data, fromTeacher.hidden.data) < 1e-5, 'hidden states');
  assert.ok(maxAbsoluteError(fromStudent.logits.data, fromTeacher.logits.data) < 1e-5, 'logits');
  // Without the folded token-type row (the extraction script's student) the outputs differ clearly.
  const dropped = studentFromTeacher(teacher, 4, { seed: 6 }).eval();
  const positions = dropped.distilbert.embeddings.position_embeddings.weight;
  positions.data.set(teacher.bert.embeddings.position_embeddings.weight.data);
  const droppedHidden = noGrad(() => dropped.distilbert.forward({ inputIds, attentionMask }, { lastLayerRows: rows }).lastHiddenState);
  const moved = maxAbsoluteError(droppedHidden.data, fromTeacher.hidden.data);
  assert.ok(moved > 1e-2, `the token-type row matters (moved ${moved})`);
});
