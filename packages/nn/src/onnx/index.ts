/**
 * `onnx`: export a model to ONNX (PyTorch's `torch.onnx.export`), for onnxruntime and other
 * runtimes. `import { onnx } from '@kindling/nn'`; `onnx.export(model, inputs, opts)`.
 *
 * @module
 */
export { type ExportOptions, exportModel as export, MAX_OPSET, MIN_OPSET } from './export.js';
export { supportedOps } from './ops.js';
export { decodeModel } from './proto.js';
