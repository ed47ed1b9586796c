/** `nn.functional`: stateless forms of the layers and losses. */
export * from './layers.js';
export * from './loss.js';
