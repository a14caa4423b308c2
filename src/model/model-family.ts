/**
 * A model family (BERT, RoBERTa, ...) as the shared loader and the registry see it: its config.json reader and
 * writer, its checkpoint key layout, and which weights a checkpoint must hold. Each family declares one
 * (bert-checkpoint.ts's BERT_FAMILY, roberta/roberta-checkpoint.ts's ROBERTA_FAMILY).
 */
import type { CheckpointKeys } from './checkpoint-params.js';
import { configFromJson, configOfSpec, configToJson, type ConfigSpec, type PretrainedConfig } from './pretrained-config.js';

export interface ModelFamily<C extends PretrainedConfig> {
  /** config.json's model_type. */
  readonly modelType: string;
  /** Hugging Face's base_model_prefix: where a task model holds its encoder ("bert", "roberta", ...). */
  readonly basePrefix: string;
  /** Reads a parsed config.json (source names it in errors), with the family's supported-settings check. */
  configFromJson(json: unknown, source: string): C;
  /**
   * `config` as this family's config: a ConfigError (naming `source`) when its modelType is another family's or a
   * field is not one this family's model can be built with.
   */
  configOf(config: PretrainedConfig, source: string): C;
  /** Hugging Face's config.json for `config`, architectures and model_type included. */
  configToJson(config: C, architecture: string): Record<string, unknown>;
  /** Where a checkpoint may hold a parameter, and which keys carry nothing to load. */
  readonly checkpointKeys: CheckpointKeys;
  /**
   * Whether a checkpoint must hold this base-model parameter (path relative to the encoder): the embeddings and
   * layers must be there; a head or a pooler may be new (fine-tuning starts that way).
   */
  isRequired(encoderPath: string): boolean;
}

/** A family from its config spec: config.json read, converted and written by the shared reader (pretrained-config.ts). */
export function modelFamily<C extends PretrainedConfig>(
  spec: ConfigSpec<C>,
  layout: Pick<ModelFamily<C>, 'basePrefix' | 'checkpointKeys' | 'isRequired'>,
): ModelFamily<C> {
  return {
    modelType: spec.modelType,
    configFromJson: (json, source) => configFromJson(spec, json, source),
    configOf: (config, source) => configOfSpec(spec, config, source),
    configToJson: (config, architecture) => configToJson(spec, config, architecture),
    ...layout,
  };
}
