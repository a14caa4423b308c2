/**
 * The teacher of a distillation: a BERT folder whose checkpoint holds the MLM head (BertForMaskedLM, or
 * BertForPreTraining, whose `cls.predictions` is the same head), frozen in eval mode. Its outputs are computed without
 * a graph (distiller.py's torch.no_grad), at the rows the student is scored at.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import { readConfigJson } from '../io/model-folder.js';
import { modelTypeOfConfig } from '../model/auto.js';
import { BERT_MODEL_TYPE } from '../model/config-support.js';
import { BertForMaskedLM } from '../model/heads/masked-lm.js';
import { BertForPreTraining } from '../model/heads/pretraining.js';
import { isQuantizedConfigJson } from '../model/quantization.js';
import { firstTokenRows, gatherRows, sliceRows } from '../ops/gather-rows.js';
import { noGrad, type Tensor } from '../tensor/tensor.js';

export type MlmTeacher = BertForMaskedLM | BertForPreTraining;

/** The architectures a teacher may be saved as: those holding `cls.predictions`. */
const TEACHER_CLASSES = { BertForMaskedLM, BertForPreTraining } as const;

function isTeacherArchitecture(name: unknown): name is keyof typeof TEACHER_CLASSES {
  return typeof name === 'string' && Object.hasOwn(TEACHER_CLASSES, name);
}

/** Loads `dir` as a frozen teacher; another model type, another head or an int8 model is a ConfigError naming config.json. */
export function loadTeacher(dir: string): MlmTeacher {
  const { json, path } = readConfigJson(dir);
  const modelType = modelTypeOfConfig(json, path);
  if (modelType !== BERT_MODEL_TYPE) {
    throw new ConfigError(`${path}: model_type "${modelType}": the teacher must be a BERT model (model_type "bert") with an MLM head`);
  }
  if (isQuantizedConfigJson(json)) throw new ConfigError(`${path}: an int8-quantized model (quantization_config) cannot teach: give the float32 folder`);
  const architectures: unknown = Reflect.get(json as object, 'architectures');
  const architecture = Array.isArray(architectures) ? architectures[0] : undefined;
  if (!isTeacherArchitecture(architecture)) {
    throw new ConfigError(`${path}: architectures ${valuePreview(architectures ?? null)}: the teacher needs an MLM head `
      + `(${Object.keys(TEACHER_CLASSES).join(' or ')})`);
  }
  const teacher: MlmTeacher = architecture === 'BertForMaskedLM' ? BertForMaskedLM.fromPretrained(dir) : BertForPreTraining.fromPretrained(dir);
  teacher.eval();
  return teacher;
}

/**
 * The teacher's last hidden states [rows, hidden] at the flat `rows` of a batch and its MLM logits there (or at
 * `logitRows`, indices into `rows`: [logitRows, vocab]), with no graph. Token types are all 0 (the student has none). The encoder's last layer runs at those rows alone; with a
 * pooler (BertForPreTraining) the [CLS] rows must come first, and are dropped after.
 */
export function teacherRows(
  teacher: MlmTeacher, inputIds: Tensor, attentionMask: Tensor, rows: Int32Array, logitRows: Int32Array | null = null,
): { hidden: Tensor; logits: Tensor } {
  return noGrad(() => {
    const leading = teacher.bert.hasPooler ? firstTokenRows(inputIds.shape[0]!, inputIds.shape[1]!) : new Int32Array(0);
    const asked = new Int32Array(leading.length + rows.length);
    asked.set(leading);
    asked.set(rows, leading.length);
    const last = teacher.bert.forward({ inputIds, attentionMask }, { lastLayerRows: asked }).lastHiddenState;
    const hidden = leading.length === 0 ? last : sliceRows(last, leading.length, asked.length);
    return { hidden, logits: teacher.cls.predictions.forward(logitRows === null ? hidden : gatherRows(hidden, logitRows)) };
  });
}
