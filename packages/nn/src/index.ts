/**
 * @kindling/nn: PyTorch's torch.nn, torch.optim and torch.utils.data for Kindling.
 * `import { nn, optim, data } from '@kindling/nn'`.
 *
 * @packageDocumentation
 */

export * as data from './data/index.js';
export * as jit from './jit/index.js';
export * as nn from './nn.js';
export * as onnx from './onnx/index.js';
export * as optim from './optim/index.js';
export {
  loadSafetensors,
  loadSafetensorsMetadata,
  parseSafetensorsHeader,
  saveSafetensors,
  saveSafetensorsAsync,
} from './safetensors.js';
