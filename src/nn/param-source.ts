import { ConfigError } from '../errors.js';
import { DTYPES } from '../tensor/dtype.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { InitializingParams } from './initializing-params.js';
import type { Module } from './module.js';
import type { ParamInit } from './param-init.js';

/** Where parameter values come from: drawn fresh (InitializingParams) or read from a checkpoint. */
export interface ParamProvider {
  /** The values of the parameter at `path`, a full dotted path from the model's root. */
  create(path: string, shape: readonly number[], init: ParamInit): Tensor;
}

/** Everything a model tree creates, by full dotted path, in creation order. */
class ParamTree {
  readonly modules: [string, Module][] = [];
  readonly parameters: [string, Tensor][] = [];
  constructor(readonly provider: ParamProvider) {}
}

/**
 * A scoped view of a model's parameters, as candle's VarBuilder: `p.at('encoder').at('layer.3')` is the scope,
 * `p.get('weight', shape, init)` the parameter under its full path. The path is spelled once, here, and it is the
 * Hugging Face key: Module lists its parameters from the tree this source records, so the names a model saves and
 * loads are the names it was built with. The same module code initialises (ParamSource.initializing) or loads
 * (a checkpoint's ParamProvider).
 */
export class ParamSource {
  private constructor(private readonly tree: ParamTree, readonly path: string) {}

  static of(provider: ParamProvider): ParamSource {
    return new ParamSource(new ParamTree(provider), '');
  }

  /** Fresh weights drawn from `rng` in construction order. */
  static initializing(rng: Rng): ParamSource {
    return ParamSource.of(new InitializingParams(rng));
  }

  at(name: string): ParamSource {
    return new ParamSource(this.tree, this.pathOf(name));
  }

  get(name: string, shape: readonly number[], init: ParamInit): Tensor {
    const path = this.pathOf(name);
    if (this.tree.parameters.some(([existing]) => existing === path)) throw new ConfigError(`parameter "${path}" is created twice`);
    const tensor = this.tree.provider.create(path, shape, init);
    // A checkpoint's int8 weight is a parameter that trains no more (a quantized model runs inference only).
    tensor.requiresGrad = DTYPES[tensor.dtype].computable;
    this.tree.parameters.push([path, tensor]);
    return tensor;
  }

  /** Puts `tensor` in place of the parameter `name` already created under this scope (Linear.quantize). */
  replace(name: string, tensor: Tensor): void {
    const path = this.pathOf(name);
    const entry = this.tree.parameters.find(([existing]) => existing === path);
    if (entry === undefined) throw new ConfigError(`parameter "${path}" does not exist, so it cannot be replaced`);
    entry[1] = tensor;
  }

  /** Called by Module's constructor: the module lives at this scope. */
  addModule(module: Module): void {
    this.tree.modules.push([this.path, module]);
  }

  /** Parameters created under this scope, named relative to it, in creation order. */
  parametersUnder(): [string, Tensor][] {
    return this.under(this.tree.parameters);
  }

  /** Modules under this scope (itself first, named ''), named relative to it, in creation order. */
  modulesUnder(): [string, Module][] {
    return this.under(this.tree.modules);
  }

  private under<T>(entries: readonly [string, T][]): [string, T][] {
    if (this.path === '') return entries.map(([path, value]) => [path, value]);
    const prefix = `${this.path}.`;
    const result: [string, T][] = [];
    for (const [path, value] of entries) {
      if (path === this.path) result.push(['', value]);
      else if (path.startsWith(prefix)) result.push([path.slice(prefix.length), value]);
    }
    return result;
  }

  private pathOf(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }
}
