import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ParamSource } from './param-source.js';

/**
 * A node of the model tree, living at its ParamSource's scope. Its parameters and submodules are what was created
 * under that scope, named by the paths the source recorded, so a parameter's dotted path *is* its Hugging Face key
 * (`encoder.layer.3.attention.self.query.weight`) and checkpoints need no mapping table. Parameters are leaf
 * tensors with requiresGrad.
 */
export class Module {
  training = true;

  constructor(protected readonly params: ParamSource) {
    params.addModule(this);
  }

  /**
   * Every parameter with its dotted path relative to this module, in creation order (a tied tensor appears once:
   * it is created once). A module creates its own parameters before building its children, so this is the
   * depth-first order checkpoints and optimizer state are written in.
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const named = this.params.parametersUnder();
    return prefix === '' ? named : named.map(([name, tensor]) => [`${prefix}.${name}`, tensor]);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, tensor]) => tensor);
  }

  /** This module (named prefix) and every module under it, parents before children. */
  namedModules(prefix = ''): [string, Module][] {
    return this.params.modulesUnder().map(([name, module]) => [prefix === '' ? name : name === '' ? prefix : `${prefix}.${name}`, module]);
  }

  /** Sets training mode on the whole subtree (dropout on); eval() turns it off. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.zeroGrad();
  }

  /** Number of parameter values (tied tensors counted once). */
  numParameters(): number {
    return this.parameters().reduce((total, tensor) => total + tensor.size, 0);
  }

  getParameter(path: string): Tensor {
    const found = this.namedParameters().find(([name]) => name === path);
    if (found === undefined) throw new ConfigError(`no parameter named "${path}"`);
    return found[1];
  }
}
