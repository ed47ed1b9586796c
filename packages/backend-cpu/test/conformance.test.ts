import '@kindling/backend-cpu';
import { conformanceCases, runCase } from '@kindling/core/testing';
import { describe, it } from 'vitest';

describe('conformance on cpu (gradcheck in float64)', () => {
  for (const c of conformanceCases) it(`${c.op}: ${c.name}`, () => runCase(c, 'cpu'));
});
