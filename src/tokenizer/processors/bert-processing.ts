/**
 * Hugging Face's BertProcessing (tokenizers/src/processors/bert.rs): `[CLS] $A [SEP]`, and for pairs
 * `[CLS] $A [SEP] $B [SEP]` with type id 1 from B on. It is a fixed template, so it is one, written back to
 * tokenizer.json in its own form.
 */
import type { JsonObject } from '../json-fields.js';
import { TemplateProcessing } from './template-processing.js';

export class BertProcessing extends TemplateProcessing {
  constructor(
    readonly sep: readonly [string, number],
    readonly cls: readonly [string, number],
  ) {
    super({
      single: [{ special: cls[0], typeId: 0 }, { sequence: 'A', typeId: 0 }, { special: sep[0], typeId: 0 }],
      pair: [
        { special: cls[0], typeId: 0 },
        { sequence: 'A', typeId: 0 },
        { special: sep[0], typeId: 0 },
        { sequence: 'B', typeId: 1 },
        { special: sep[0], typeId: 1 },
      ],
      specialTokens: [cls, sep].map(([token, id]) => ({ id: token, ids: [id], tokens: [token] })),
    });
  }

  override toJSON(): JsonObject {
    return { type: 'BertProcessing', sep: [...this.sep], cls: [...this.cls] };
  }
}
