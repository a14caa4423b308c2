/** The fine-tuning task types of BERT §4 (GLUE, CoNLL NER, SQuAD, SWAG), under tsbert's command-line names. */
export const FINETUNE_TASKS = ['classification', 'token-classification', 'question-answering', 'multiple-choice'] as const;
export type FinetuneTaskName = (typeof FINETUNE_TASKS)[number];

export function isFinetuneTaskName(name: string): name is FinetuneTaskName {
  return (FINETUNE_TASKS as readonly string[]).includes(name);
}
