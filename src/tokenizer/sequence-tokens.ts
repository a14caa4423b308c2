/**
 * The tokens of one input text before post-processing: ids, spans in that text and word indices, as views into a
 * TokenBuffer (valid until the next encode) or windows of them cut by truncation.
 */
export interface SequenceTokens {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  words: Int32Array;
  /**
   * The text the spans index, when the tokens came from one (not pre-split words): an added token that took
   * whitespace (lstrip, rstrip) is that span of it, which RobertaProcessing's offset trimming reads.
   */
  text?: string;
}

/** Tokens [start, end) of `seq`, sharing its storage. */
export function sliceSequenceTokens(seq: SequenceTokens, start: number, end: number): SequenceTokens {
  return {
    ids: seq.ids.subarray(start, end),
    starts: seq.starts.subarray(start, end),
    ends: seq.ends.subarray(start, end),
    words: seq.words.subarray(start, end),
    ...(seq.text !== undefined ? { text: seq.text } : {}),
  };
}
