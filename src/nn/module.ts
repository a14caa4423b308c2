import { ConfigError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A node of the model tree. Children and parameters are registered under Hugging Face's attribute names, so a
 * parameter's dotted path *is* its Hugging Face key (`encoder.layer.3.attention.self.query.weight`) and
 * checkpoints need no mapping table. Parameters are leaf tensors with requiresGrad.
 */
export class Module {
  training = true;
  private readonly childModules = new Map<string, Module>();
  private readonly ownParameters = new Map<string, Tensor>();

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.childModules.set(name, module);
    return module;
  }

  protected registerParameter(name: string, tensor: Tensor): Tensor {
    tensor.requiresGrad = true;
    this.ownParameters.set(name, tensor);
    return tensor;
  }

  /** Every parameter with its dotted path, depth-first in registration order (a tied tensor appears once). */
  namedParameters(prefix = ''): [string, Tensor][] {
    const result: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const visit = (module: Module, path: string): void => {
      for (const [name, tensor] of module.ownParameters) {
        if (seen.has(tensor)) continue;
        seen.add(tensor);
        result.push([path + name, tensor]);
      }
      for (const [name, child] of module.childModules) visit(child, `${path}${name}.`);
    };
    visit(this, prefix === '' ? '' : `${prefix}.`);
    return result;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, tensor]) => tensor);
  }

  namedModules(prefix = ''): [string, Module][] {
    const result: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.childModules) result.push(...child.namedModules(prefix === '' ? name : `${prefix}.${name}`));
    return result;
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
