/**
 * The DistilBERT student built from its BERT teacher (Sanh et al. 2019 §3, "Student initialization": the student
 * takes one layer out of two of the teacher, sharing its hidden size). Hugging Face's
 * research_projects/distillation/scripts/extract_distilbert.py fixes the layers for 12 → 6 as [0, 2, 4, 7, 9, 11];
 * for any N of L layers tsbert takes round(i · (L − 1) / (N − 1)) for i = 0 .. N − 1 (halves up) — the first and
 * last layer and evenly between, which gives exactly [0, 2, 4, 7, 9, 11] for 12 → 6 — and layer 0 for N = 1.
 *
 * Every student weight is copied from one named teacher weight (studentWeightSources), as the extraction script
 * copies them, with one difference: DistilBERT has no token types, and the teacher, fed without token_type_ids as
 * distiller.py feeds it, adds token_type_embeddings row 0 to every token (BERT §3.2: the input is the sum of token,
 * segment and position embeddings). The script drops that row, shifting every student input by a constant vector
 * before the embedding LayerNorm; tsbert folds it into the position embeddings (position_embeddings[p] + row 0),
 * so the student's embeddings equal the teacher's exactly and a student of all L layers computes the teacher.
 */
import { CheckpointError, ConfigError, shapeString } from '../errors.js';
import type { BertConfig } from '../model/config.js';
import { distilBertConfig, type DistilBertConfig } from '../model/distilbert/distilbert-config.js';
import { DISTILBERT_LAYER_NORM_EPS } from '../model/distilbert/embeddings.js';
import { DistilBertForMaskedLM } from '../model/distilbert/for-masked-lm.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import type { Tensor } from '../tensor/tensor.js';
import { emitWarning } from '../warnings.js';

/** The student's position embeddings: the teacher's plus its token_type_embeddings row 0 (see above). */
export const STUDENT_POSITION_EMBEDDINGS = 'distilbert.embeddings.position_embeddings.weight';
export const TEACHER_POSITION_EMBEDDINGS = 'bert.embeddings.position_embeddings.weight';
export const TEACHER_TOKEN_TYPE_EMBEDDINGS = 'bert.embeddings.token_type_embeddings.weight';

/** The teacher layer each student layer starts from: round(i · (L − 1) / (N − 1)), [0] for N = 1. */
export function studentLayerMap(teacherLayers: number, studentLayers: number): number[] {
  if (!Number.isInteger(studentLayers) || studentLayers < 1) {
    throw new ConfigError(`distill: --student-layers must be a positive integer, got ${studentLayers}`);
  }
  if (studentLayers > teacherLayers) {
    throw new ConfigError(`distill: --student-layers ${studentLayers} exceeds the teacher's ${teacherLayers} layers (num_hidden_layers)`);
  }
  if (studentLayers === 1) return [0];
  return Array.from({ length: studentLayers }, (_, i) => Math.round((i * (teacherLayers - 1)) / (studentLayers - 1)));
}

/**
 * [student name, teacher name] for every student weight but the position embeddings (folded, see above): the
 * embeddings, each layer's from its teacher layer, the MLM head's transform and the projector's bias (its weight is
 * tied to the word embeddings in both models).
 */
export function studentWeightSources(layerMap: readonly number[]): [student: string, teacher: string][] {
  const pairs: [string, string][] = [
    ['distilbert.embeddings.word_embeddings.weight', 'bert.embeddings.word_embeddings.weight'],
    ['distilbert.embeddings.LayerNorm.weight', 'bert.embeddings.LayerNorm.weight'],
    ['distilbert.embeddings.LayerNorm.bias', 'bert.embeddings.LayerNorm.bias'],
  ];
  const layerParts: [string, string][] = [
    ['attention.q_lin', 'attention.self.query'],
    ['attention.k_lin', 'attention.self.key'],
    ['attention.v_lin', 'attention.self.value'],
    ['attention.out_lin', 'attention.output.dense'],
    ['sa_layer_norm', 'attention.output.LayerNorm'],
    ['ffn.lin1', 'intermediate.dense'],
    ['ffn.lin2', 'output.dense'],
    ['output_layer_norm', 'output.LayerNorm'],
  ];
  layerMap.forEach((teacherLayer, studentLayer) => {
    for (const [student, teacher] of layerParts) {
      for (const w of ['weight', 'bias']) {
        pairs.push([`distilbert.transformer.layer.${studentLayer}.${student}.${w}`, `bert.encoder.layer.${teacherLayer}.${teacher}.${w}`]);
      }
    }
  });
  for (const w of ['weight', 'bias']) {
    pairs.push([`vocab_transform.${w}`, `cls.predictions.transform.dense.${w}`]);
    pairs.push([`vocab_layer_norm.${w}`, `cls.predictions.transform.LayerNorm.${w}`]);
  }
  pairs.push(['vocab_projector.bias', 'cls.predictions.bias']);
  return pairs;
}

/**
 * The student's config: the teacher's hidden size, heads, feed-forward size, activation, dropouts, vocabulary and
 * (learned) positions, with `layers` layers. DistilBERT's LayerNorms use eps 1e-12 whatever the config says.
 */
export function studentConfig(teacher: BertConfig, layers: number, source: string): DistilBertConfig {
  if (teacher.layerNormEps !== DISTILBERT_LAYER_NORM_EPS) {
    emitWarning(`${source}: layer_norm_eps ${teacher.layerNormEps}: the DistilBERT student's LayerNorms use ${DISTILBERT_LAYER_NORM_EPS}`, 'TSBERT_DISTILL_EPS');
  }
  return distilBertConfig({
    vocabSize: teacher.vocabSize,
    maxPositionEmbeddings: teacher.maxPositionEmbeddings,
    sinusoidalPosEmbds: false,
    nLayers: layers,
    nHeads: teacher.numAttentionHeads,
    dim: teacher.hiddenSize,
    hiddenDim: teacher.intermediateSize,
    dropout: teacher.hiddenDropoutProb,
    attentionDropout: teacher.attentionProbsDropoutProb,
    activation: teacher.hiddenAct,
    initializerRange: teacher.initializerRange,
    padTokenId: teacher.padTokenId,
  }, source);
}

/** A DistilBertForMaskedLM of `layers` layers with every weight from `teacher` (BertForMaskedLM or BertForPreTraining). */
export function studentFromTeacher(teacher: PreTrainedModel<BertConfig>, layers: number, options: { seed?: number; source?: string } = {}): DistilBertForMaskedLM {
  const source = options.source ?? 'teacher';
  const layerMap = studentLayerMap(teacher.config.numHiddenLayers, layers);
  const student = new DistilBertForMaskedLM(studentConfig(teacher.config, layers, source), { seed: options.seed ?? 0 });
  const teacherParams = new Map(teacher.namedParameters());
  const studentParams = new Map(student.namedParameters());
  const find = (params: Map<string, Tensor>, name: string, model: string): Tensor => {
    const tensor = params.get(name);
    if (tensor === undefined) throw new CheckpointError(`${source}: the ${model} has no weight ${name}`);
    return tensor;
  };
  const copied = new Set<string>();
  for (const [studentName, teacherName] of studentWeightSources(layerMap)) {
    const to = find(studentParams, studentName, 'student');
    const from = find(teacherParams, teacherName, 'teacher');
    if (from.size !== to.size) {
      throw new CheckpointError(`${source}: ${teacherName} ${shapeString(from.shape)} does not fit the student's ${studentName} ${shapeString(to.shape)}`);
    }
    to.data.set(from.data);
    copied.add(studentName);
  }
  const positions = find(studentParams, STUDENT_POSITION_EMBEDDINGS, 'student');
  positions.data.set(find(teacherParams, TEACHER_POSITION_EMBEDDINGS, 'teacher').data);
  const typeRow0 = find(teacherParams, TEACHER_TOKEN_TYPE_EMBEDDINGS, 'teacher').data;
  const dim = teacher.config.hiddenSize;
  for (let i = 0; i < positions.size; i++) positions.data[i] = positions.data[i]! + typeRow0[i % dim]!;
  copied.add(STUDENT_POSITION_EMBEDDINGS);
  const left = [...studentParams.keys()].filter((name) => !copied.has(name));
  // A student weight without a source would train from noise: the table above must cover DistilBertForMaskedLM.
  if (left.length > 0) throw new CheckpointError(`${source}: no teacher weight for the student's ${left.join(', ')}`);
  return student;
}
