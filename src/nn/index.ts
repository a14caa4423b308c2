export { Module } from './module.js';
export { Linear } from './linear.js';
export { LayerNorm } from './layer-norm.js';
export { Embedding } from './embedding.js';
export { Dropout } from './dropout.js';
export { ParamSource, type ParamProvider } from './param-source.js';
export { InitializingParams } from './initializing-params.js';
export { normalInit, constantInit, type ParamInit } from './param-init.js';
export { activationFromHiddenAct, type Activation } from './activation.js';
