/**
 * `nn.utils`: `nn.utils.rnn` (packed sequences) and gradient/parameter utilities.
 *
 * @module
 */

export * from './clip.js';
export * as rnn from './rnn.js';
