export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export { SGD } from './sgd.js';
export { clipCoefficient, clipGradNorm, globalGradNorm } from './clip-grad-norm.js';
export { DECAY_KINDS, LrSchedule, linearWarmupDecay, type DecayKind } from './schedule.js';
export { bertParamGroups, isNoDecay, type ParamGroup } from './param-groups.js';
