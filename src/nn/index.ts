export { Module } from './module.js';
export { Linear } from './linear.js';
export { LayerNorm } from './layer-norm.js';
export { Embedding } from './embedding.js';
export { Dropout } from './dropout.js';
export { normalTensor, filledTensor } from './init.js';
export { activationFromHiddenAct, type Activation } from './activation.js';
