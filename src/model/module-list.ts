import { Module } from '../nn/module.js';
import type { ParamSource } from '../nn/param-source.js';

/** nn.ModuleList: children at scopes "0", "1", … so paths read `encoder.layer.3.…` as in Hugging Face. */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[];

  constructor(params: ParamSource, count: number, build: (params: ParamSource) => M) {
    super(params);
    this.items = Array.from({ length: count }, (_, index) => build(params.at(String(index))));
  }
}
