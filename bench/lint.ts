// Benchmark: our offline linter against gitlab-ci-local on the fidelity corpus, in one run.
// Each corpus pipeline is copied into its own git repository (gitlab-ci-local reads tracked files
// and takes the project path from `origin`), then linted by both tools in the same directory.
//   npm run bench:lint [-- --reps 20 --limit 10]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusCases } from '../test/lint/corpus.js';
import { validateCiConfig } from '../src/gitlab/ci-schema.js';
import { lint } from '../src/validate/lint/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const reps = arg('reps', 20);
const limit = arg('limit', Infinity);
const gcl = join(createRequire(import.meta.url).resolve('gitlab-ci-local/package.json'), '..', 'dist', 'index.js');

function checkTools(): void {
  if (spawnSync('rsync', ['--version']).status !== 0) {
    console.error('gitlab-ci-local needs rsync: apt-get install -y rsync');
    process.exit(1);
  }
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
function repoFor(caseDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lint-'));
  cpSync(caseDir, dir, { recursive: true });
  for (const args of [['init', '-q', '-b', 'main'], ['remote', 'add', 'origin', 'https://gitlab.com/corpus/catalog.git'], ['add', '-A'], ['commit', '-q', '-m', 'corpus']]) {
    execFileSync('git', args, { cwd: dir, env: gitEnv });
  }
  return dir;
}

function runGcl(dir: string): { ms: number; valid: boolean } {
  const t = performance.now();
  // gitlab-ci-local wants a relative --cwd, so it runs inside the repository instead.
  const r = spawnSync(process.execPath, [gcl, '--list'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { ms: performance.now() - t, valid: r.status === 0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

checkTools();
const cases = corpusCases().slice(0, limit);
const compileStart = performance.now();
validateCiConfig({});
const compileMs = performance.now() - compileStart;
const repos = cases.map((c) => ({ c, dir: repoFor(c.dir) }));
try {
  // Warm up: the first lints in a directory read git HEAD and catalog.yml, and let the JIT settle.
  for (let i = 0; i < 3; i++) for (const { dir } of repos) lint(['.gitlab-ci.yml'], { cwd: dir });
  // Our timings first, then gitlab-ci-local's, so its child processes never compete with ours.
  const ours = repos.map(({ dir }) => {
    const times: number[] = [];
    let valid = false;
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      valid = lint(['.gitlab-ci.yml'], { cwd: dir })[0]!.valid;
      times.push(performance.now() - t);
    }
    return { median: median(times), max: Math.max(...times), valid };
  });
  // Batch mode: every pipeline in one process, one after another.
  const batchStart = performance.now();
  for (const { dir } of repos) lint(['.gitlab-ci.yml'], { cwd: dir });
  const batchPer = (performance.now() - batchStart) / repos.length;
  const rows = repos.map(({ c, dir }, i) => {
    const g = runGcl(dir);
    return { name: c.name, expected: c.verdict, ours: ours[i]!.median, oursMax: ours[i]!.max, oursValid: ours[i]!.valid, gcl: g.ms, gclValid: g.valid };
  });

  const v = (ok: boolean) => (ok ? 'valid' : 'invalid');
  console.log(`schema compiled once in ${compileMs.toFixed(0)} ms; our time is the median of ${reps} runs per pipeline\n`);
  console.log(`${'pipeline'.padEnd(40)} ${'ours ms'.padStart(8)} ${'max ms'.padStart(7)} ${'gcl ms'.padStart(8)} ${'ratio'.padStart(7)}  GitLab   ours     gcl`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(40)} ${r.ours.toFixed(2).padStart(8)} ${r.oursMax.toFixed(2).padStart(7)} ${r.gcl.toFixed(0).padStart(8)} ${`${(r.gcl / r.ours).toFixed(0)}x`.padStart(7)}  ${r.expected.padEnd(8)} ${v(r.oursValid).padEnd(8)} ${v(r.gclValid)}`);
  }
  const gclTotal = rows.reduce((s, r) => s + r.gcl, 0);
  const oursMax = Math.max(...rows.map((r) => r.oursMax));
  const ratios = rows.map((r) => r.gcl / r.ours);
  console.log('');
  console.log(`pipelines: ${rows.length}`);
  console.log(`batch mode: ours ${batchPer.toFixed(2)} ms/pipeline, gitlab-ci-local ${(gclTotal / rows.length).toFixed(0)} ms/pipeline -> ${((gclTotal / rows.length) / batchPer).toFixed(0)}x faster`);
  console.log(`per-pipeline ratio: median ${median(ratios).toFixed(0)}x, min ${Math.min(...ratios).toFixed(0)}x`);
  console.log(`slowest single pipeline (ours, schema compiled): ${oursMax.toFixed(2)} ms (target: <= 20 ms)`);
  console.log(`verdicts matching GitLab: ours ${rows.filter((r) => v(r.oursValid) === r.expected).length}/${rows.length}, gitlab-ci-local ${rows.filter((r) => v(r.gclValid) === r.expected).length}/${rows.length}`);
} finally {
  for (const { dir } of repos) rmSync(dir, { recursive: true, force: true });
}
