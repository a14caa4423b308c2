/**
 * The data flags of `tsbert finetune`, `evaluate` and `predict` (the fine-tuning definitions' preprocessing), in a
 * module of their own so that `predict` registers them without loading the fine-tuning machinery.
 */
import type { Command } from 'commander';
import { FINETUNE_TASKS } from '../finetune/task-names.js';

export function addDataOptions(command: Command, taskHelp = `the task type: ${FINETUNE_TASKS.join(', ')}`): Command {
  return command
    .requiredOption('--task <task>', taskHelp)
    .option('--max-seq-length <n>', 'tokens per sequence, special tokens included (default: 128; 384 for question-answering; evaluate/predict: what the model was trained with)')
    .option('--doc-stride <n>', 'question-answering: tokens shared by consecutive windows of a long context (default 128)')
    .option('--max-query-length <n>', 'question-answering: question tokens kept (default 64)')
    .option('--n-best <n>', 'question-answering: answer candidates per example (default 20)')
    .option('--max-answer-length <n>', 'question-answering: longest answer in tokens (default 30)')
    .option('--null-score-diff-threshold <x>', 'question-answering (SQuAD v2.0): answer "no answer" when the null score beats the best span by more than this (default 0)')
    .option('--label-all-tokens', 'token-classification: label every sub-token (the I- form of the word\'s tag), not only the first')
    .option('--text-column <name>', 'CSV/TSV: the text column (default: text, sentence or sentence1)')
    .option('--pair-column <name>', 'CSV/TSV: the second text of a pair (default: text_pair or sentence2 when present)')
    .option('--label-column <name>', 'CSV/TSV: the label column (default: label)')
    .option('--tag-column <n>', 'CoNLL: the column of the tag, from 0 (default: the last)');
}
