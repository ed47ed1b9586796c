/**
 * `nn.functional`: stateless forms of the layers and losses.
 *
 * @module
 */
export * from './layers.js';
export * from './loss.js';
