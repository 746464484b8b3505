// Lets the README's two commands work on a fresh clone: install the locked
// dependencies once, and again only when package-lock.json changes.
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';

const lock = readFileSync('package-lock.json');
const digest = createHash('sha256').update(lock).digest('hex');
const stamp = 'node_modules/.lock-digest';
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) process.exit(0);

console.error('installing dependencies (npm ci)...');
const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('npm ci failed: fix the error above, then run the command again');
  process.exit(r.status ?? 1);
}
writeFileSync(`${stamp}.tmp`, digest);
renameSync(`${stamp}.tmp`, stamp);
