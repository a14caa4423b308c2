/** The tasks of `pipeline(task, model)` (transformers.js's names). Minimal stand-in: the factory lives here. */
export type PipelineTask = 'fill-mask' | 'text-classification' | 'token-classification' | 'question-answering'
  | 'feature-extraction' | 'zero-shot-classification';
