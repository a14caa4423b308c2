import { ParamSource } from '../nn/param-source.js';
import { Rng } from '../tensor/rng.js';

/** Construction options of any model: the seed of the dropout stream and, without `params`, of the initial weights. */
export interface InitOptions {
  seed?: number;
  /** Where the weights come from (a checkpoint, or a parent model's scope); default: drawn from Rng(seed). */
  params?: ParamSource;
}

/** The source a model is built from: the given one, else fresh weights drawn from Rng(seed). */
export function paramsFromOptions(options: InitOptions): ParamSource {
  return options.params ?? ParamSource.initializing(new Rng(options.seed ?? 0));
}

/** The dropout stream of a model built with `options` (its own, so drawing weights never shifts it). */
export function dropoutRngFromOptions(options: InitOptions): Rng {
  return new Rng((options.seed ?? 0) ^ 0x5bd1e995);
}

/** Options of a base model with a pooler or not (Hugging Face's add_pooling_layer). */
export type BaseModelOptions = InitOptions & { addPoolingLayer?: boolean };

/** The options a task model builds its base model with: `params` (its scope under base_model_prefix), the seed and pooling passed on. */
export function baseModelOptions(params: ParamSource, options: BaseModelOptions): BaseModelOptions {
  const base: BaseModelOptions = { params };
  if (options.seed !== undefined) base.seed = options.seed;
  if (options.addPoolingLayer !== undefined) base.addPoolingLayer = options.addPoolingLayer;
  return base;
}
