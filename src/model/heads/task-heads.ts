/**
 * The heads `tsbert forward --head` and fine-tuning run, for every model family: a task's class is the registry's
 * row for the folder's model_type (BertForTokenClassification, RobertaForTokenClassification, ...), run under
 * Hugging Face's forward() argument and output names. The heads of one task share their forward() across families
 * (EncoderInputs plus the task's targets); only pre-training differs (BERT's next-sentence prediction, ALBERT's
 * sentence order).
 */
import { ConfigError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { AlbertForPreTraining } from '../albert/heads/albert-for-pretraining.js';
import { modelTypeOf } from '../auto.js';
import type { EncoderInputs } from '../encoder-model.js';
import type { LoadOptions } from '../checkpoint-loading.js';
import { numLabels, type PretrainedConfig } from '../pretrained-config.js';
import type { PreTrainedModel } from '../pretrained-model.js';
import { modelClassFor, registrationOfArchitecture } from '../registry.js';
import type { HeadOutput } from './head-output.js';
import { BertForPreTraining } from './pretraining.js';
import type { QuestionAnsweringInputs, QuestionAnsweringOutput } from './question-answering-forward.js';

export const TASK_HEAD_NAMES = [
  'pretraining', 'masked-lm', 'sequence-classification', 'token-classification', 'question-answering', 'multiple-choice',
] as const;
export type TaskHeadName = (typeof TASK_HEAD_NAMES)[number];

/** Tensors under Hugging Face's forward() argument names (input_ids, labels, start_positions, ...). */
export type HeadArguments = ReadonlyMap<string, Tensor>;
/** Tensors under Hugging Face's output names (logits, start_logits, loss, ...), in its order. */
export type HeadOutputs = Record<string, Tensor>;

/** One forward() argument: which element types and shapes it takes and which integer values are valid. */
export interface ArgumentSpec {
  /** Hugging Face's argument name. */
  readonly name: string;
  /** 'int': ids or class labels only; 'int-or-float': class ids, or float targets (regression, multi-label). */
  readonly values: 'int' | 'int-or-float';
  /** Accepted shapes, given input_ids' shape, the config and whether the tensor holds floats. */
  shapes(inputIds: readonly number[], config: PretrainedConfig, isFloat: boolean): number[][];
  /** Integers must lie in [0, bound); no bound (or undefined): any integer (question-answering positions are clamped). */
  bound?(model: PreTrainedModel, inputIds: readonly number[]): number | undefined;
  /** -100 is allowed too: CrossEntropyLoss's ignore_index. */
  readonly ignorable?: boolean;
  /** Whether this model's class takes the argument (default: every class of the task). */
  takenBy?(model: PreTrainedModel): boolean;
}

/** A head's model with its forward() under Hugging Face's names, and the arguments its class takes. */
export interface HeadRunner {
  readonly model: PreTrainedModel;
  readonly head: TaskHead;
  /** The arguments of this model's class, input_ids first. */
  readonly arguments: readonly ArgumentSpec[];
  /** The arguments that define the loss: all present gives a loss, otherwise none. */
  readonly lossArguments: readonly string[];
  forward(args: HeadArguments): HeadOutputs;
}

export interface TaskHead {
  /** The registry's task. */
  readonly name: TaskHeadName;
  /** Rank of input_ids: 2, or 3 for multiple choice ([batch, choices, seq]). */
  readonly inputRank: 2 | 3;
  /** Every argument of any family's class for the task (HeadRunner.arguments: those of one class). */
  readonly arguments: readonly ArgumentSpec[];
  /** Hugging Face's class for the task in a family ("RobertaForQuestionAnswering"), or a ConfigError. */
  architectureFor(modelType: string, source: string): string;
  /** The task's model of a Hugging Face folder (any family the registry knows), in eval mode. */
  load(dir: string, options?: LoadOptions): HeadRunner;
  /** A model built elsewhere (from a config, through the registry), checked to be this task's class of its family. */
  wrap(model: PreTrainedModel): HeadRunner;
}

/** What the heads of every task but pre-training take and give: the encoder's inputs and labels → logits. */
interface LabelledHead {
  forward(inputs: EncoderInputs & { labels?: Tensor }): HeadOutput & { logits: Tensor };
}
interface QuestionAnsweringHead {
  forward(inputs: QuestionAnsweringInputs): QuestionAnsweringOutput;
}

const sameAsInputIds = (inputIds: readonly number[]): number[][] => [[...inputIds]];
/** [batch]: input_ids' first dimension. */
const perExample = (inputIds: readonly number[]): number[][] => [[inputIds[0]!]];

/**
 * The encoder's arguments, with the values its embedding tables and mask accept. token_type_ids only for a model
 * with token types (DistilBERT has none; RoBERTa's single type takes only 0s).
 */
const ENCODER_ARGUMENTS: readonly ArgumentSpec[] = [
  { name: 'input_ids', values: 'int', shapes: sameAsInputIds, bound: (model) => model.config.vocabSize },
  {
    name: 'token_type_ids', values: 'int', shapes: sameAsInputIds,
    bound: (model) => model.encoderModel().typeVocabSize, takenBy: (model) => model.encoderModel().typeVocabSize > 0,
  },
  { name: 'attention_mask', values: 'int', shapes: sameAsInputIds, bound: () => 2 },
];

/** Per-token class labels [batch, seq] with -100 where no loss is taken. */
const tokenLabels = (bound: (config: PretrainedConfig) => number): ArgumentSpec =>
  ({ name: 'labels', values: 'int', shapes: sameAsInputIds, bound: (model) => bound(model.config), ignorable: true });

/** Hugging Face squeezes a trailing 1 off start/end positions: [batch] or [batch, 1]. */
const positions = (name: string): ArgumentSpec =>
  ({ name, values: 'int', shapes: (ids) => [[ids[0]!], [ids[0]!, 1]] });

function encoderInputs(args: HeadArguments): EncoderInputs {
  const inputs: EncoderInputs = { inputIds: args.get('input_ids')! };
  const tokenTypeIds = args.get('token_type_ids');
  const attentionMask = args.get('attention_mask');
  if (tokenTypeIds !== undefined) inputs.tokenTypeIds = tokenTypeIds;
  if (attentionMask !== undefined) inputs.attentionMask = attentionMask;
  return inputs;
}

/** The argument as an optional field: `{ [field]: tensor }` when given, `{}` when not. */
function optional(args: HeadArguments, name: string, field: string): Record<string, Tensor> {
  const tensor = args.get(name);
  return tensor === undefined ? {} : { [field]: tensor };
}

/** The outputs with the loss first, as Hugging Face's ModelOutput orders them, when there is one. */
function withLoss(output: HeadOutputs, loss: Tensor | undefined): HeadOutputs {
  return loss === undefined ? output : { loss, ...output };
}

interface TaskSpec<M> {
  inputRank?: 2 | 3;
  targets: readonly ArgumentSpec[];
  /** The loss's arguments among the targets (a class takes those of its targets it takes). */
  lossArguments: readonly string[];
  forward(model: PreTrainedModel & M, args: HeadArguments): HeadOutputs;
}

/**
 * A task's head over the registry. The registry row vouches for the class's forward(): every family's class of a
 * task takes the task's inputs (M), which is why `wrap` may view the checked model as one.
 */
function taskHead<M>(name: TaskHeadName, spec: TaskSpec<M>): TaskHead {
  const all = [...ENCODER_ARGUMENTS, ...spec.targets];
  const head: TaskHead = {
    name,
    inputRank: spec.inputRank ?? 2,
    arguments: all,
    architectureFor: (modelType, source) => modelClassFor(modelType, name, source).name,
    load(dir, options = {}) {
      const { modelType, source } = modelTypeOf(dir);
      return head.wrap(modelClassFor(modelType, name, source).fromPretrained(dir, options));
    },
    wrap(model) {
      const registration = registrationOfArchitecture(model.architecture);
      if (registration?.task !== name || registration.modelType !== model.family.modelType) {
        const expected = head.architectureFor(model.family.modelType, `--head ${name}`);
        throw new ConfigError(`--head ${name} runs ${expected}, got ${model.architecture}`);
      }
      const taken = all.filter((argument) => argument.takenBy?.(model) ?? true);
      const typed = model as PreTrainedModel & M;
      return {
        model, head, arguments: taken,
        lossArguments: spec.lossArguments.filter((loss) => taken.some((argument) => argument.name === loss)),
        forward: (args) => spec.forward(typed, args),
      };
    },
  };
  return head;
}

/** The class labels of every task with a plain `labels` argument → logits (masked LM, classification, tagging, choices). */
function labelledForward(model: PreTrainedModel & LabelledHead, args: HeadArguments): HeadOutputs {
  const out = model.forward({ ...encoderInputs(args), ...optional(args, 'labels', 'labels') });
  return withLoss({ logits: out.logits }, out.loss);
}

const isBertPreTraining = (model: PreTrainedModel): boolean => model instanceof BertForPreTraining;
const isAlbertPreTraining = (model: PreTrainedModel): boolean => model instanceof AlbertForPreTraining;

/** The heads by task, each with Hugging Face's argument and output names for its classes. */
export const TASK_HEADS: { readonly [N in TaskHeadName]: TaskHead } = {
  'pretraining': taskHead<object>('pretraining', {
    targets: [
      tokenLabels((config) => config.vocabSize),
      { name: 'next_sentence_label', values: 'int', shapes: perExample, bound: () => 2, ignorable: true, takenBy: isBertPreTraining },
      { name: 'sentence_order_label', values: 'int', shapes: perExample, bound: () => 2, ignorable: true, takenBy: isAlbertPreTraining },
    ],
    lossArguments: ['labels', 'next_sentence_label', 'sentence_order_label'],
    forward: (model, args) => {
      if (model instanceof AlbertForPreTraining) {
        // Hugging Face's AlbertForPreTrainingOutput, plus both losses for cross-checking.
        const out = model.forward({ ...encoderInputs(args), ...optional(args, 'labels', 'labels'), ...optional(args, 'sentence_order_label', 'sentenceOrderLabel') });
        const output: HeadOutputs = { prediction_logits: out.predictionLogits, sop_logits: out.sopLogits };
        if (out.mlmLoss !== undefined) output['mlm_loss'] = out.mlmLoss;
        if (out.sopLoss !== undefined) output['sop_loss'] = out.sopLoss;
        return withLoss(output, out.loss);
      }
      if (!(model instanceof BertForPreTraining)) throw new ConfigError(`--head pretraining: ${model.architecture} is not run here`);
      const out = model.forward({ ...encoderInputs(args), ...optional(args, 'labels', 'labels'), ...optional(args, 'next_sentence_label', 'nextSentenceLabel') });
      // Hugging Face's BertForPreTrainingOutput, plus the encoder's outputs and both losses for cross-checking.
      const output: HeadOutputs = {
        prediction_logits: out.predictionLogits,
        seq_relationship_logits: out.seqRelationshipLogits,
        last_hidden_state: out.lastHiddenState,
        pooler_output: out.poolerOutput,
      };
      if (out.mlmLoss !== undefined) output['mlm_loss'] = out.mlmLoss;
      if (out.nspLoss !== undefined) output['nsp_loss'] = out.nspLoss;
      return withLoss(output, out.loss);
    },
  }),

  'masked-lm': taskHead<LabelledHead>('masked-lm', {
    targets: [tokenLabels((config) => config.vocabSize)],
    lossArguments: ['labels'],
    forward: labelledForward,
  }),

  'sequence-classification': taskHead<LabelledHead>('sequence-classification', {
    targets: [{
      name: 'labels',
      values: 'int-or-float',
      // Class ids [batch]; float targets [batch] (one label: regression) or [batch, numLabels] (multi-label).
      shapes: (ids, config, isFloat) => isFloat ? [[ids[0]!], [ids[0]!, numLabels(config)]] : [[ids[0]!]],
      bound: (model) => numLabels(model.config) === 1 ? undefined : numLabels(model.config), // one label: integer regression targets
      ignorable: true,
    }],
    lossArguments: ['labels'],
    forward: labelledForward,
  }),

  'token-classification': taskHead<LabelledHead>('token-classification', {
    targets: [tokenLabels(numLabels)],
    lossArguments: ['labels'],
    forward: labelledForward,
  }),

  'question-answering': taskHead<QuestionAnsweringHead>('question-answering', {
    targets: [positions('start_positions'), positions('end_positions')],
    lossArguments: ['start_positions', 'end_positions'],
    forward: (model, args) => {
      const startPositions = args.get('start_positions');
      const endPositions = args.get('end_positions');
      const out = model.forward({
        ...encoderInputs(args),
        ...(startPositions === undefined || endPositions === undefined ? {} : { startPositions, endPositions }),
      });
      return withLoss({ start_logits: out.startLogits, end_logits: out.endLogits }, out.loss);
    },
  }),

  'multiple-choice': taskHead<LabelledHead>('multiple-choice', {
    inputRank: 3,
    // labels [batch]: the index of the right choice, in [0, choices).
    targets: [{ name: 'labels', values: 'int', shapes: perExample, bound: (_, ids) => ids[1]!, ignorable: true }],
    lossArguments: ['labels'],
    forward: labelledForward,
  }),
};

export function isTaskHeadName(name: string): name is TaskHeadName {
  return (TASK_HEAD_NAMES as readonly string[]).includes(name);
}
