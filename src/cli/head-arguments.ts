import { DataError, shapeString } from '../errors.js';
import { toFloat32, toInt32, type SafetensorsFile, type SafetensorsTensor } from '../io/safetensors.js';
import { IGNORE_INDEX } from '../ops/cross-entropy.js';
import type { ArgumentSpec, HeadArguments, HeadRunner } from '../model/heads/task-heads.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { Tensor } from '../tensor/tensor.js';

const INT_DTYPES = new Set(['I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL']);
const FLOAT_DTYPES = new Set(['F32', 'F64', 'F16', 'BF16']);

/**
 * A head's forward() arguments read from a safetensors file by Hugging Face's names, each checked against what the
 * model accepts (element type, shape relative to input_ids, ids within their table), so a bad file is a DataError
 * naming the file and the tensor rather than a failure deep inside the model. Tensors the runner's class does not take
 * (token_type_ids for DistilBERT) are ignored, so one file can carry the inputs of several heads and families.
 */
export function readHeadArguments(file: SafetensorsFile, runner: HeadRunner): HeadArguments {
  const { head, model } = runner;
  const where = (name: string): string => `${file.file}: "${name}"`;
  const inputIds = file.tensors.get('input_ids');
  if (inputIds === undefined) throw new DataError(`${file.file}: no "input_ids" tensor (--head ${head.name} needs one)`);
  if (inputIds.shape.length !== head.inputRank || inputIds.shape.some((dim) => dim === 0)) {
    const expected = head.inputRank === 3 ? '[batch, choices, seq]' : '[batch, seq]';
    throw new DataError(`${where('input_ids')} must be ${expected} for --head ${head.name}, got ${shapeString(inputIds.shape)}`);
  }
  const seq = inputIds.shape[inputIds.shape.length - 1]!;
  const maxTokens = model.encoderModel().maxInputTokens;
  if (seq > maxTokens) {
    throw new DataError(`${where('input_ids')}: sequences of ${seq} tokens, the model takes at most ${maxTokens} (its max_position_embeddings)`);
  }
  const args = new Map<string, Tensor>();
  for (const spec of runner.arguments) {
    const entry = file.tensors.get(spec.name);
    if (entry !== undefined) args.set(spec.name, readArgument(entry, spec, inputIds.shape, model, where(spec.name)));
  }
  return args;
}

function readArgument(entry: SafetensorsTensor, spec: ArgumentSpec, inputIds: readonly number[], model: PreTrainedModel, what: string): Tensor {
  const isFloat = FLOAT_DTYPES.has(entry.dtype);
  if (!INT_DTYPES.has(entry.dtype) && !(isFloat && spec.values === 'int-or-float')) {
    const wanted = spec.values === 'int' ? 'an integer dtype' : 'an integer or float dtype';
    throw new DataError(`${what} must have ${wanted}, got ${entry.dtype}`);
  }
  const shapes = spec.shapes(inputIds, model.config, isFloat);
  if (!shapes.some((shape) => shape.length === entry.shape.length && shape.every((dim, i) => dim === entry.shape[i]))) {
    throw new DataError(`${what} must be ${shapes.map(shapeString).join(' or ')} (from input_ids ${shapeString(inputIds)}), got ${shapeString(entry.shape)}`);
  }
  if (isFloat) {
    const values = Float32Array.from(toFloat32(entry, what));
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DataError(`${what} holds ${values[bad]} at index ${bad}`);
    return new Tensor(values, entry.shape);
  }
  const values = Int32Array.from(toInt32(entry, what));
  const bound = spec.bound?.(model, inputIds);
  if (bound !== undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if ((v < 0 || v >= bound) && !(spec.ignorable === true && v === IGNORE_INDEX)) {
        const allowed = `[0, ${bound})${spec.ignorable === true ? ` or ${IGNORE_INDEX}` : ''}`;
        throw new DataError(`${what} holds ${v} at index ${i}, outside ${allowed}`);
      }
    }
  }
  return new Tensor(values, entry.shape);
}
