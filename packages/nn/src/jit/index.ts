/**
 * `jit`: capture a dynamic model as a static graph (PyTorch's `torch.jit.trace`), save it in one
 * file and load it without the model's code. `import { jit } from '@kindling/nn'`.
 *
 * @module
 */
export type {
  EncodedArg,
  Graph,
  GraphConstant,
  GraphNode,
  GraphParam,
  ValueInfo,
} from './ir.js';
export { JIT_FORMAT, type JitLoadOptions, load, save } from './serialize.js';
export { type TraceOptions, type TracerWarning, type TracerWarningKind, trace } from './trace.js';
export { TracedModule } from './traced-module.js';
