/**
 * The `nn` namespace: modules, layers, losses, `nn.functional`, `nn.init` and `nn.utils`.
 *
 * @module
 */

export * as functional from './functional/index.js';
export * as init from './init.js';
export * from './layers/index.js';
export * from './loss.js';
export * from './module.js';
export * as utils from './utils/index.js';
