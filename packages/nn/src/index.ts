/**
 * @kindling/nn: PyTorch's torch.nn, torch.optim and torch.utils.data for Kindling.
 * `import { nn, optim, data } from '@kindling/nn'`.
 */

export * as data from './data/index.js';
export * as nn from './nn.js';
export * as optim from './optim/index.js';
export {
  loadSafetensors,
  loadSafetensorsMetadata,
  parseSafetensorsHeader,
  saveSafetensors,
  saveSafetensorsAsync,
} from './safetensors.js';
