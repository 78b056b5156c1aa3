#!/usr/bin/env node
/**
 * `npm run check:api`: fails when `src/lib/api/schema.d.ts` is not what `openapi.json`
 * produces. It regenerates into a temporary file with the same openapi-typescript command as
 * `npm run gen:api` and compares the bytes, so CI catches a regenerated `openapi.json` whose
 * types were not regenerated (and a hand-edited `schema.d.ts`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const spec = join(root, 'openapi.json');
const committed = join(root, 'src/lib/api/schema.d.ts');
const bin = join(root, 'node_modules/.bin/openapi-typescript');
const dir = mkdtempSync(join(tmpdir(), 'rayport-api-'));
const fresh = join(dir, 'schema.d.ts');

try {
  const run = spawnSync(bin, [spec, '-o', fresh], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    console.error('check:api: openapi-typescript failed');
    process.exit(2);
  }
  let current = '';
  try {
    current = readFileSync(committed, 'utf8');
  } catch {
    console.error(`check:api: ${relative(root, committed)} is missing; run \`npm run gen:api\``);
    process.exit(1);
  }
  const expected = readFileSync(fresh, 'utf8');
  if (current !== expected) {
    const a = current.split('\n');
    const b = expected.split('\n');
    let line = 0;
    while (line < a.length && line < b.length && a[line] === b[line]) line += 1;
    console.error(
      `check:api: ${relative(root, committed)} differs from what openapi.json produces ` +
        `(first difference at line ${line + 1}).\n` +
        `  committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n` +
        `  expected:  ${JSON.stringify(b[line] ?? '<end of file>')}\n` +
        'Run `npm run gen:api`, fix the type errors it causes (`npm run typecheck`) and commit both files.',
    );
    process.exit(1);
  }
  console.log(`check:api: ${relative(root, committed)} matches openapi.json`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
