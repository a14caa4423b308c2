import { ConfigError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertInputs } from '../bert-model.js';
import { numLabels, type BertConfig } from '../config.js';
import type { BertPreTrainedModel } from '../pretrained.js';
import type { PretrainedClass, PreTrainedModel } from '../pretrained-model.js';
import { BertForMaskedLM } from './masked-lm.js';
import { BertForMultipleChoice } from './multiple-choice.js';
import { BertForPreTraining } from './pretraining.js';
import { BertForQuestionAnswering } from './question-answering.js';
import { BertForSequenceClassification } from './sequence-classification.js';
import { BertForTokenClassification } from './token-classification.js';

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
  shapes(inputIds: readonly number[], config: BertConfig, isFloat: boolean): number[][];
  /** Integers must lie in [0, bound); no bound (or undefined): any integer (question-answering positions are clamped). */
  bound?(config: BertConfig, inputIds: readonly number[]): number | undefined;
  /** -100 is allowed too: CrossEntropyLoss's ignore_index. */
  readonly ignorable?: boolean;
}

/** A head's model with its forward() under Hugging Face's names. */
export interface HeadRunner {
  readonly model: BertPreTrainedModel;
  forward(args: HeadArguments): HeadOutputs;
}

export interface TaskHead {
  readonly name: TaskHeadName;
  /** Hugging Face's class name. */
  readonly architecture: string;
  /** Rank of input_ids: 2, or 3 for multiple choice ([batch, choices, seq]). */
  readonly inputRank: 2 | 3;
  /** Every argument, the encoder's first; input_ids is required, the rest optional. */
  readonly arguments: readonly ArgumentSpec[];
  /** The arguments that define the loss: all present gives a loss, otherwise none. */
  readonly lossArguments: readonly string[];
  /** The head's model from a Hugging Face folder, in eval mode. */
  load(dir: string): HeadRunner;
  /** A model built elsewhere (e.g. from an edited config or through the registry), checked to be this head's class. */
  wrap(model: PreTrainedModel): HeadRunner;
}

type HeadClass<M extends BertPreTrainedModel> = PretrainedClass<BertConfig, M> & Pick<typeof PreTrainedModel, 'fromPretrained'>;

const sameAsInputIds = (inputIds: readonly number[]): number[][] => [[...inputIds]];
/** [batch]: input_ids' first dimension. */
const perExample = (inputIds: readonly number[]): number[][] => [[inputIds[0]!]];

/** The encoder's arguments (BertModel.forward), with the values its embedding tables and mask accept. */
const ENCODER_ARGUMENTS: readonly ArgumentSpec[] = [
  { name: 'input_ids', values: 'int', shapes: sameAsInputIds, bound: (config) => config.vocabSize },
  { name: 'token_type_ids', values: 'int', shapes: sameAsInputIds, bound: (config) => config.typeVocabSize },
  { name: 'attention_mask', values: 'int', shapes: sameAsInputIds, bound: () => 2 },
];

/** Per-token class labels [batch, seq] with -100 where no loss is taken. */
const tokenLabels = (bound: (config: BertConfig) => number): ArgumentSpec =>
  ({ name: 'labels', values: 'int', shapes: sameAsInputIds, bound, ignorable: true });

/** Hugging Face squeezes a trailing 1 off start/end positions: [batch] or [batch, 1]. */
const positions = (name: string): ArgumentSpec =>
  ({ name, values: 'int', shapes: (ids) => [[ids[0]!], [ids[0]!, 1]] });

function encoderInputs(args: HeadArguments): BertInputs {
  const inputs: BertInputs = { inputIds: args.get('input_ids')! };
  const tokenTypeIds = args.get('token_type_ids');
  const attentionMask = args.get('attention_mask');
  if (tokenTypeIds !== undefined) inputs.tokenTypeIds = tokenTypeIds;
  if (attentionMask !== undefined) inputs.attentionMask = attentionMask;
  return inputs;
}

/** The outputs with the loss first, as Hugging Face's ModelOutput orders them, when there is one. */
function withLoss(output: HeadOutputs, loss: Tensor | undefined): HeadOutputs {
  return loss === undefined ? output : { loss, ...output };
}

function taskHead<M extends BertPreTrainedModel>(
  name: TaskHeadName,
  Model: HeadClass<M>,
  spec: { inputRank?: 2 | 3; targets: readonly ArgumentSpec[]; lossArguments: readonly string[] },
  forward: (model: M, args: HeadArguments) => HeadOutputs,
): TaskHead {
  const runner = (model: M): HeadRunner => ({ model, forward: (args) => forward(model, args) });
  return {
    name,
    architecture: Model.name,
    inputRank: spec.inputRank ?? 2,
    arguments: [...ENCODER_ARGUMENTS, ...spec.targets],
    lossArguments: spec.lossArguments,
    load: (dir) => runner(Model.fromPretrained(dir)),
    wrap: (model) => {
      if (!(model instanceof Model)) throw new ConfigError(`--head ${name} runs ${Model.name}, got ${model.architecture}`);
      return runner(model);
    },
  };
}

/** The heads `tsbert forward --head` runs, each with Hugging Face's argument and output names for its class. */
export const TASK_HEADS: { readonly [N in TaskHeadName]: TaskHead } = {
  'pretraining': taskHead('pretraining', BertForPreTraining, {
    targets: [
      tokenLabels((config) => config.vocabSize),
      { name: 'next_sentence_label', values: 'int', shapes: perExample, bound: () => 2, ignorable: true },
    ],
    lossArguments: ['labels', 'next_sentence_label'],
  }, (model, args) => {
    const labels = args.get('labels');
    const nextSentenceLabel = args.get('next_sentence_label');
    const out = model.forward({
      ...encoderInputs(args),
      ...(labels === undefined ? {} : { labels }),
      ...(nextSentenceLabel === undefined ? {} : { nextSentenceLabel }),
    });
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
  }),

  'masked-lm': taskHead('masked-lm', BertForMaskedLM, {
    targets: [tokenLabels((config) => config.vocabSize)],
    lossArguments: ['labels'],
  }, (model, args) => {
    const labels = args.get('labels');
    const out = model.forward({ ...encoderInputs(args), ...(labels === undefined ? {} : { labels }) });
    return withLoss({ logits: out.logits }, out.loss);
  }),

  'sequence-classification': taskHead('sequence-classification', BertForSequenceClassification, {
    targets: [{
      name: 'labels',
      values: 'int-or-float',
      // Class ids [batch]; float targets [batch] (one label: regression) or [batch, numLabels] (multi-label).
      shapes: (ids, config, isFloat) => isFloat ? [[ids[0]!], [ids[0]!, numLabels(config)]] : [[ids[0]!]],
      bound: (config) => numLabels(config) === 1 ? undefined : numLabels(config), // one label: integer regression targets
      ignorable: true,
    }],
    lossArguments: ['labels'],
  }, (model, args) => {
    const labels = args.get('labels');
    const out = model.forward({ ...encoderInputs(args), ...(labels === undefined ? {} : { labels }) });
    return withLoss({ logits: out.logits }, out.loss);
  }),

  'token-classification': taskHead('token-classification', BertForTokenClassification, {
    targets: [tokenLabels(numLabels)],
    lossArguments: ['labels'],
  }, (model, args) => {
    const labels = args.get('labels');
    const out = model.forward({ ...encoderInputs(args), ...(labels === undefined ? {} : { labels }) });
    return withLoss({ logits: out.logits }, out.loss);
  }),

  'question-answering': taskHead('question-answering', BertForQuestionAnswering, {
    targets: [positions('start_positions'), positions('end_positions')],
    lossArguments: ['start_positions', 'end_positions'],
  }, (model, args) => {
    const startPositions = args.get('start_positions');
    const endPositions = args.get('end_positions');
    const out = model.forward({
      ...encoderInputs(args),
      ...(startPositions === undefined || endPositions === undefined ? {} : { startPositions, endPositions }),
    });
    return withLoss({ start_logits: out.startLogits, end_logits: out.endLogits }, out.loss);
  }),

  'multiple-choice': taskHead('multiple-choice', BertForMultipleChoice, {
    inputRank: 3,
    // labels [batch]: the index of the right choice, in [0, choices).
    targets: [{ name: 'labels', values: 'int', shapes: perExample, bound: (_, ids) => ids[1]!, ignorable: true }],
    lossArguments: ['labels'],
  }, (model, args) => {
    const labels = args.get('labels');
    const out = model.forward({ ...encoderInputs(args), ...(labels === undefined ? {} : { labels }) });
    return withLoss({ logits: out.logits }, out.loss);
  }),
};

export function isTaskHeadName(name: string): name is TaskHeadName {
  return (TASK_HEAD_NAMES as readonly string[]).includes(name);
}
