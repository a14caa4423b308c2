/**
 * The model each objective trains, behind one shape the pre-training task reads: the objective's head class of the
 * chosen family (`--model-type`), its loss, the MLM logits at masked positions and, for pair objectives, the
 * pair classifier's logits (NSP for BERT, SOP for ALBERT).
 *
 *   objective   model type   model (Hugging Face's class)
 *   bert        bert         BertForPreTraining (MLM + NSP)
 *   mlm         roberta      RobertaForMaskedLM (Liu et al. 2019: MLM alone)
 *   mlm         bert         BertForMaskedLM
 *   mlm         albert       AlbertForMaskedLM
 *   albert      albert       AlbertForPreTraining (MLM + SOP)
 */
import { ConfigError } from '../errors.js';
import { AlbertForMaskedLM, AlbertForPreTraining } from '../model/albert/index.js';
import type { AlbertConfig } from '../model/albert/albert-config.js';
import type { BertConfig } from '../model/config.js';
import { BertForMaskedLM } from '../model/heads/masked-lm.js';
import { BertForPreTraining } from '../model/heads/pretraining.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { RobertaForMaskedLM } from '../model/roberta/index.js';
import type { RobertaConfig } from '../model/roberta/roberta-config.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { PretrainObjective } from './objective.js';
import type { PretrainBatch } from './train-step.js';

export const PRETRAIN_MODEL_TYPES = ['bert', 'roberta', 'albert'] as const;
export type PretrainModelType = (typeof PRETRAIN_MODEL_TYPES)[number];

/** A model config of the family the model type names. */
export type PretrainConfig = BertConfig | RobertaConfig | AlbertConfig;

export interface PretrainingOutputs {
  loss: Tensor;
  mlmLoss: Tensor;
  /** [masked, vocab]: only the labelled positions are scored. */
  mlmLogits: Tensor;
  /** Pair objectives: the classifier's loss and logits [batch, 2] (label 1: random next / swapped). */
  pairLoss?: Tensor;
  pairLogits?: Tensor;
}

export interface PretrainingModel {
  readonly model: PreTrainedModel;
  /** The encoder's dropout Rng, saved in checkpoints for an exact resume. */
  readonly dropoutRng: Rng;
  forward(batch: PretrainBatch): PretrainingOutputs;
}

/** The model types an objective can train (the first is its own family). */
export const MODEL_TYPES_OF: Record<PretrainObjective, readonly PretrainModelType[]> = {
  bert: ['bert'],
  mlm: ['roberta', 'bert', 'albert'],
  albert: ['albert'],
};

export function parseModelType(value: string, objective: PretrainObjective): PretrainModelType {
  const allowed = MODEL_TYPES_OF[objective];
  const type = allowed.find((t) => t === value);
  if (type === undefined) throw new ConfigError(`--model-type: the ${objective} objective trains ${allowed.join(' or ')}, not "${value}"`);
  return type;
}

const ONLY_MASKED = { onlyMaskedPositions: true } as const;

function required(tensor: Tensor | undefined, what: string): Tensor {
  if (tensor === undefined) throw new ConfigError(`pretrain: the model returned no ${what} (the batch lacks its labels)`);
  return tensor;
}

/** The heads pre-training trains. */
export type PretrainingHeadModel = BertForPreTraining | AlbertForPreTraining | RobertaForMaskedLM | BertForMaskedLM | AlbertForMaskedLM;

/** The objective's model of `modelType`, initialised from `seed`; `config` must be that family's. */
export function createPretrainingModel(objective: PretrainObjective, modelType: PretrainModelType, config: PretrainConfig, seed: number): PretrainingModel {
  parseModelType(modelType, objective);
  const init = { seed };
  if (objective === 'bert') return pretrainingModelOf(new BertForPreTraining(config, init));
  if (objective === 'albert') return pretrainingModelOf(new AlbertForPreTraining(config as AlbertConfig, init));
  return pretrainingModelOf(modelType === 'roberta' ? new RobertaForMaskedLM(config as RobertaConfig, init)
    : modelType === 'albert' ? new AlbertForMaskedLM(config as AlbertConfig, init) : new BertForMaskedLM(config, init));
}

/** A pre-training head behind the task's shape: its loss, MLM logits at masked positions and pair logits. */
export function pretrainingModelOf(model: PretrainingHeadModel): PretrainingModel {
  const dropoutRng = model.encoderModel().dropoutRng;
  if (model instanceof BertForPreTraining) {
    return {
      model, dropoutRng,
      forward: (batch) => {
        const out = model.forward(batch, ONLY_MASKED);
        return { loss: required(out.loss, 'loss'), mlmLoss: required(out.mlmLoss, 'MLM loss'), mlmLogits: out.predictionLogits, pairLoss: required(out.nspLoss, 'NSP loss'), pairLogits: out.seqRelationshipLogits };
      },
    };
  }
  if (model instanceof AlbertForPreTraining) {
    return {
      model, dropoutRng,
      forward: (batch) => {
        const out = model.forward({ ...batch, sentenceOrderLabel: batch.nextSentenceLabel }, ONLY_MASKED);
        return { loss: required(out.loss, 'loss'), mlmLoss: required(out.mlmLoss, 'MLM loss'), mlmLogits: out.predictionLogits, pairLoss: required(out.sopLoss, 'SOP loss'), pairLogits: out.sopLogits };
      },
    };
  }
  return {
    model, dropoutRng,
    forward: (batch) => {
      const out = model.forward({ inputIds: batch.inputIds, tokenTypeIds: batch.tokenTypeIds, attentionMask: batch.attentionMask, labels: batch.labels }, ONLY_MASKED);
      const loss = required(out.loss, 'MLM loss');
      return { loss, mlmLoss: loss, mlmLogits: out.logits };
    },
  };
}
