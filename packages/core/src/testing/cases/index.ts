import type { OpCase } from '../conformance.js';
import { cases as binary } from './binary.js';
import { cases as compare } from './compare.js';
import { cases as creation } from './creation.js';
import { cases as indexing } from './indexing.js';
import { cases as matmul } from './matmul.js';
import { cases as nn } from './nn.js';
import { cases as reduce } from './reduce.js';
import { cases as scan } from './scan.js';
import { cases as shape } from './shape.js';
import { cases as softmax } from './softmax.js';
import { cases as sort } from './sort.js';
import { cases as unary } from './unary.js';
import { cases as view } from './view.js';

/** Every conformance case, grouped by op family. */
export const conformanceCases: readonly OpCase[] = [
  ...creation,
  ...view,
  ...unary,
  ...binary,
  ...compare,
  ...reduce,
  ...softmax,
  ...scan,
  ...sort,
  ...matmul,
  ...shape,
  ...indexing,
  ...nn,
];
