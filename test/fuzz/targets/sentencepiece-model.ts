/**
 * SentencePiece `.model` files (src/tokenizer/sentencepiece/: the protobuf reader, the precompiled charsmap) through
 * SentencePieceTokenizer.fromModelFile. A file that loads must give a tokenizer that encodes a sample, decodes it and
 * writes its tokenizer.json.
 */
import { TokenizerError } from '../../../src/errors.js';
import { SentencePieceTokenizer } from '../../../src/tokenizer/sentencepiece-tokenizer.js';
import { textDigest } from '../digest.js';
import { mutateProtobuf } from '../mutators/protobuf.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';
import { fixtureSeed } from './seeds.js';
import '../../helpers/node-runtime.js';

/** ModelProto's embedded messages: pieces (1), trainer_spec (2), normalizer_spec (3). */
const NESTED = new Set(['1', '2', '3']);
const SAMPLE = "Hello,  World! ﬁne Ｆｕｌｌ naïve 東京 😀 x\u0000y  ";

function digest(path: string): string {
  const t = SentencePieceTokenizer.fromModelFile(path);
  const e = t.encode(SAMPLE);
  return textDigest([Array.from(e.ids), Array.from(e.offsets), Array.from(e.wordIds), t.decode(e.ids), t.vocabSize, t.toJSONString().length]);
}

export const sentencePieceModelTarget: TargetFactory = {
  name: 'sentencepiece-model',
  summary: 'SentencePiece .model via SentencePieceTokenizer.fromModelFile (src/tokenizer/sentencepiece/)',
  create() {
    return {
      name: 'sentencepiece-model',
      fileName: 'spiece.model',
      errorClass: TokenizerError,
      companions: {},
      seeds: [fixtureSeed('unigram', 'identity-400.model'), fixtureSeed('unigram', 'bytes-2000.model')],
      mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => mutateProtobuf(bytes, rng, NESTED)),
      read: digest,
    };
  },
};
