import { Module } from '../nn/module.js';

/** nn.ModuleList: children named "0", "1", … so paths read `encoder.layer.3.…` as in Hugging Face. */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[];

  constructor(items: M[]) {
    super();
    this.items = items;
    items.forEach((item, index) => this.registerModule(String(index), item));
  }
}
