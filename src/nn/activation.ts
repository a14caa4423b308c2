import type { GeluApproximation } from '../backend/backend.js';
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';

/** The feed-forward activation of a BERT layer and of the MLM transform. */
export type Activation = { kind: 'gelu'; approximate: GeluApproximation } | { kind: 'relu' };

/**
 * config.json's hidden_act as Hugging Face's ACT2FN reads it (transformers/activations.py): "gelu" is the exact erf
 * GELU (GELUActivation); "gelu_new" (NewGELUActivation, the original BERT code's), "gelu_pytorch_tanh" and "gelu_fast"
 * are the tanh approximation of Hendrycks & Gimpel 2016 §2; "relu" is max(0, x). `field` names the config key in
 * the error (DistilBERT's is "activation").
 */
export function activationFromHiddenAct(hiddenAct: string, source = 'config', field = 'hidden_act'): Activation {
  if (hiddenAct === 'gelu') return { kind: 'gelu', approximate: 'none' };
  if (hiddenAct === 'gelu_new' || hiddenAct === 'gelu_pytorch_tanh' || hiddenAct === 'gelu_fast') return { kind: 'gelu', approximate: 'tanh' };
  if (hiddenAct === 'relu') return { kind: 'relu' };
  throw new ConfigError(`${source}: ${field} ${valuePreview(hiddenAct)} is not supported (use "gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast" or "relu")`);
}
