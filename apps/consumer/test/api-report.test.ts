// The checked-in public API report (docs/api-report/) must match the built packages' .d.ts: an API
// change shows up in review as a diff of the report. After a deliberate change run `pnpm api:report`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

it('the public API matches docs/api-report (run `pnpm api:report` after a deliberate change)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/api-report.mjs'), '--check'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) console.log(r.stdout, r.stderr);
  expect(r.status).toBe(0);
});
