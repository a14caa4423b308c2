import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, toFloat32, toInt32, type SafetensorsFile } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** test/fixtures in the source tree (tests run from dist/test, two levels below the repository root). */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures');

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): SafetensorsFile {
  return readSafetensors(fixturePath(...parts));
}

export function floatTensor(file: SafetensorsFile, name: string): Tensor {
  const entry = file.get(name);
  return new Tensor(Float32Array.from(toFloat32(entry, name)), entry.shape);
}

export function intTensor(file: SafetensorsFile, name: string): Tensor {
  const entry = file.get(name);
  return new Tensor(Int32Array.from(toInt32(entry, name)), entry.shape);
}

/** bert-base-uncased's vocabulary, shipped with the package in assets/ (one copy for the product and the tests). */
export const BERT_BASE_UNCASED_VOCAB = join(FIXTURES, '..', '..', 'assets', 'bert-base-uncased-vocab.txt');

/** The BertForPreTraining arguments stored in a golden file under Hugging Face's names. */
export function pretrainingInputs(file: SafetensorsFile): {
  inputIds: Tensor; tokenTypeIds: Tensor; attentionMask: Tensor; labels: Tensor; nextSentenceLabel: Tensor;
} {
  return {
    inputIds: intTensor(file, 'input_ids'),
    tokenTypeIds: intTensor(file, 'token_type_ids'),
    attentionMask: intTensor(file, 'attention_mask'),
    labels: intTensor(file, 'labels'),
    nextSentenceLabel: intTensor(file, 'next_sentence_label'),
  };
}
