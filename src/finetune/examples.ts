/**
 * The examples of each fine-tuning task type, as read from their files (before tokenization). `source` says where an
 * example came from ("train.jsonl:17") so every later error or skip can name it.
 */

/** A single sentence or a pair, with a class name, a number (regression) or a list of class names (multi-label). */
export interface ClassificationExample {
  source: string;
  text: string;
  textPair?: string;
  label: string | number | readonly string[];
}

/** A sentence as words with one tag each (CoNLL, or JSONL `{"tokens", "tags"}`). */
export interface TokenClassificationExample {
  source: string;
  tokens: readonly string[];
  tags: readonly string[];
}

/** One SQuAD answer: its text and where it starts in the context (UTF-16 index, as JavaScript strings count). */
export interface SquadAnswer {
  text: string;
  answerStart: number;
}

/** A SQuAD question with its context; v2.0's unanswerable questions have `isImpossible` and no answers. */
export interface SquadExample {
  source: string;
  id: string;
  title: string;
  question: string;
  context: string;
  answers: readonly SquadAnswer[];
  isImpossible: boolean;
}

/** SWAG-style: each choice is paired with the context (and the question, when there is one). */
export interface MultipleChoiceExample {
  source: string;
  context: string;
  question?: string;
  choices: readonly string[];
  label: number;
}

/** What a reader skipped and why, so a command can print the counts ("skipped 3: answer text does not match"). */
export interface SkipCounts {
  [reason: string]: number;
}

/** A reader's result: the examples kept and the counts of those skipped by reason. */
export interface ReadExamples<Example> {
  examples: Example[];
  skipped: SkipCounts;
}
