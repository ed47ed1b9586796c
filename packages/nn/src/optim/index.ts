/**
 * `optim`: PyTorch's torch.optim (optimizers with parameter groups) and `optim.lrScheduler`.
 *
 * @module
 */
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW, type AdamWOptions } from './adam.js';
export * as lrScheduler from './lr_scheduler.js';
export {
  type Closure,
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type OptimizerZeroGradOptions,
  type ParamGroup,
  type ParamGroupInput,
  type ParamState,
  type ParamsInput,
} from './optimizer.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { SGD, type SGDOptions } from './sgd.js';
