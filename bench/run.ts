// `npm run bench [-- <section>...] [-- section flags]`: runs each benchmark section (bench/<section>.ts)
// in its own process, so one section's warm caches do not flatter another's numbers.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sections = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const chosen = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const unknown = chosen.filter((c) => !sections.includes(c));
if (unknown.length) {
  console.error(`unknown bench section(s) ${unknown.join(', ')} (fix: use ${sections.join(', ')})`);
  process.exit(2);
}
const tsx = join(here, '..', 'node_modules', '.bin', 'tsx');
let failed = false;
for (const section of chosen.length ? chosen : sections) {
  console.log(`\n=== bench: ${section} ===`);
  const r = spawnSync(tsx, [join(here, `${section}.ts`), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
