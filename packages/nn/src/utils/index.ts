/** `nn.utils`: `nn.utils.rnn` (packed sequences) and gradient/parameter utilities. */
export * as rnn from './rnn.js';
export * from './clip.js';
