import type { Tensor } from '../tensor/tensor.js';

export interface ParamGroup {
  params: Tensor[];
  weightDecay: number;
  /** Parameter names, for checkpoints and reports. */
  names: string[];
}

/**
 * BERT's two groups (google-research/bert optimization.py excludes "LayerNorm", "layer_norm" and "bias" from
 * weight decay; Hugging Face's run scripts do the same): decay on weight matrices and embeddings only.
 */
export function bertParamGroups(named: [string, Tensor][], weightDecay: number): ParamGroup[] {
  const decay: ParamGroup = { params: [], weightDecay, names: [] };
  const noDecay: ParamGroup = { params: [], weightDecay: 0, names: [] };
  for (const [name, tensor] of named) {
    const group = isNoDecay(name) ? noDecay : decay;
    group.params.push(tensor);
    group.names.push(name);
  }
  return [decay, noDecay].filter((group) => group.params.length > 0);
}

export function isNoDecay(name: string): boolean {
  return name.endsWith('bias') || name.includes('LayerNorm') || name.includes('layer_norm');
}
