/**
 * SentencePiece's `.model` file: a serialized ModelProto (sentencepiece/src/sentencepiece_model.proto). Read here:
 * the pieces with score and type, the trainer_spec fields an encoder needs (model_type, byte_fallback, unk_id,
 * treat_whitespace_as_suffix) and the normalizer_spec (name, precompiled_charsmap, add_dummy_prefix,
 * remove_extra_whitespaces, escape_whitespaces). Other fields (the rest of the trainer's settings, self-test data,
 * the denormalizer) are skipped. Unset fields take the .proto defaults.
 */
import { valuePreview } from '../../error-text.js';
import { TokenizerError } from '../../errors.js';
import { ProtoReader, type ProtoField } from './protobuf.js';

/** ModelProto.SentencePiece.Type. */
export const PIECE_TYPES = ['NORMAL', 'UNKNOWN', 'CONTROL', 'USER_DEFINED', 'UNUSED', 'BYTE'] as const;
export type PieceType = (typeof PIECE_TYPES)[number];

export interface SentencePiece {
  piece: string;
  score: number;
  type: PieceType;
}

export interface NormalizerSpec {
  name: string;
  /** The compiled rules (a double-array trie and the normalized strings); empty for the identity normalizer. */
  precompiledCharsmap: Uint8Array;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  /** TrainerSpec.model_type: 'UNIGRAM', 'BPE', 'WORD' or 'CHAR'. */
  modelType: string;
  byteFallback: boolean;
  unkId: number;
  treatWhitespaceAsSuffix: boolean;
  normalizer: NormalizerSpec;
}

const MODEL_TYPES = ['UNIGRAM', 'BPE', 'WORD', 'CHAR'];

/** Largest vocabulary accepted: ids are int32, and each piece costs a few objects. */
export const MAX_PIECES = 2 ** 24;

/** Parses a `.model` file's bytes; `source` names it in errors. */
export function parseSentencePieceModel(bytes: Uint8Array, source: string): SentencePieceModel {
  const model = new ProtoReader(bytes, source, 'ModelProto');
  const pieces: SentencePiece[] = [];
  let modelType = 'UNIGRAM';
  let byteFallback = false;
  let unkId = 0;
  let treatWhitespaceAsSuffix = false;
  const normalizer: NormalizerSpec = {
    name: '',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  let sawTrainer = false;
  for (let field = model.next(); field !== undefined; field = model.next()) {
    if (field.number === 1) {
      if (pieces.length >= MAX_PIECES) throw model.error(field.start, `more than ${MAX_PIECES} pieces`);
      pieces.push(readPiece(model.messageOf(field, `ModelProto.pieces[${pieces.length}]`)));
    } else if (field.number === 2) {
      sawTrainer = true;
      const trainer = model.messageOf(field, 'ModelProto.trainer_spec');
      for (let f = trainer.next(); f !== undefined; f = trainer.next()) {
        if (f.number === 3) modelType = enumValue(trainer, f, MODEL_TYPES, 'model_type');
        else if (f.number === 24) treatWhitespaceAsSuffix = trainer.bool(f);
        else if (f.number === 35) byteFallback = trainer.bool(f);
        else if (f.number === 40) unkId = trainer.int32(f);
      }
    } else if (field.number === 3) {
      const spec = model.messageOf(field, 'ModelProto.normalizer_spec');
      for (let f = spec.next(); f !== undefined; f = spec.next()) {
        if (f.number === 1) normalizer.name = spec.string(f);
        else if (f.number === 2) normalizer.precompiledCharsmap = spec.bytesOf(f);
        else if (f.number === 3) normalizer.addDummyPrefix = spec.bool(f);
        else if (f.number === 4) normalizer.removeExtraWhitespaces = spec.bool(f);
        else if (f.number === 5) normalizer.escapeWhitespaces = spec.bool(f);
      }
    }
  }
  if (pieces.length === 0) throw new TokenizerError(`${source}: no pieces (is this a SentencePiece .model file?)`);
  if (!sawTrainer) throw new TokenizerError(`${source}: no trainer_spec (is this a SentencePiece .model file?)`);
  const unk = pieces[unkId];
  if (unk === undefined || unk.type !== 'UNKNOWN') {
    throw new TokenizerError(`${source}: trainer_spec.unk_id ${unkId} is not the id of an UNKNOWN piece (${pieces.length} pieces)`);
  }
  const seen = new Map<string, number>();
  pieces.forEach((p, id) => {
    const before = seen.get(p.piece);
    if (before !== undefined) throw new TokenizerError(`${source}: pieces ${before} and ${id} are both ${valuePreview(p.piece)}`);
    if (p.piece.length === 0) throw new TokenizerError(`${source}: piece ${id} is empty`);
    if (!Number.isFinite(p.score)) throw new TokenizerError(`${source}: piece ${id} (${valuePreview(p.piece)}) has score ${p.score}`);
    seen.set(p.piece, id);
  });
  return { pieces, modelType, byteFallback, unkId, treatWhitespaceAsSuffix, normalizer };
}

function readPiece(reader: ProtoReader): SentencePiece {
  const piece: SentencePiece = { piece: '', score: 0, type: 'NORMAL' };
  for (let f = reader.next(); f !== undefined; f = reader.next()) {
    if (f.number === 1) piece.piece = reader.string(f);
    else if (f.number === 2) piece.score = reader.float(f);
    else if (f.number === 3) piece.type = enumValue(reader, f, PIECE_TYPES, 'type');
  }
  return piece;
}

/** An enum field numbered from 1, as both of SentencePiece's are. */
function enumValue<T extends string>(reader: ProtoReader, field: ProtoField, names: readonly T[], name: string): T {
  const value = reader.int32(field);
  const found = names[value - 1];
  if (found === undefined) throw reader.error(field.start, `${name} ${value} is not one of ${names.map((n, i) => `${i + 1} ${n}`).join(', ')}`);
  return found;
}
