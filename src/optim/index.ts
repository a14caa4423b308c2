export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export { SGD } from './sgd.js';
export { clipGradNorm } from './clip-grad-norm.js';
export { linearWarmupDecay } from './schedule.js';
export { bertParamGroups, isNoDecay, type ParamGroup } from './param-groups.js';
