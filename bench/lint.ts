// Benchmark: our offline linter against gitlab-ci-local on the fidelity corpus, in one run.
// Each corpus pipeline is copied into its own git repository (gitlab-ci-local reads tracked files
// and takes the project path from `origin`), then linted by both tools in the same directory.
// Two figures: one-shot (a fresh process per pipeline, as an editor, a pre-commit hook or a person
// runs it: the compiled `catalog lint` bin against `gitlab-ci-local --list`) and batch (every
// pipeline in one process, schema compiled once).
//   npm run bench:lint [-- --reps 20 --oneshot-reps 3 --limit 10]
// Wall times of fresh processes depend on how busy the machine is: the report gives `node -e 0` measured in the same
// run beside them, and the load average.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusCases } from '../test/lint/corpus.js';
import { validateCiConfig } from '../src/gitlab/ci-schema.js';
import { lint } from '../src/validate/lint/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const reps = arg('reps', 20);
const oneShotReps = arg('oneshot-reps', 3);
const limit = arg('limit', Infinity);
const gcl = join(createRequire(import.meta.url).resolve('gitlab-ci-local/package.json'), '..', 'dist', 'index.js');
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'main.js');

function checkTools(): void {
  if (spawnSync('rsync', ['--version']).status !== 0) {
    console.error('gitlab-ci-local needs rsync: apt-get install -y rsync');
    process.exit(1);
  }
}

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
function repoFor(caseDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lint-'));
  cpSync(caseDir, dir, { recursive: true });
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['remote', 'add', 'origin', 'https://gitlab.com/corpus/catalog.git'],
    ['add', '-A'],
    ['commit', '-q', '-m', 'corpus'],
  ]) {
    execFileSync('git', args, { cwd: dir, env: gitEnv });
  }
  return dir;
}

/** Wall time of one process, from spawn to exit, as a shell would see it. */
function oneShot(args: string[], dir: string): { ms: number; valid: boolean } {
  const t = performance.now();
  // gitlab-ci-local wants a relative --cwd, so both tools run inside the repository instead.
  const r = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { ms: performance.now() - t, valid: r.status === 0 };
}
const runGcl = (dir: string) => oneShot([gcl, '--list'], dir);
const runCli = (dir: string) => oneShot([cli, 'lint', '.gitlab-ci.yml'], dir);
/** Node starting and doing nothing: the floor under any one-shot Node tool on this machine, measured beside ours. */
const runNode = (dir: string) => oneShot(['-e', '0'], dir);

/** Every process's wall time, by tool, over the whole run: medians and minimums come from these. */
const samples = { ours: [] as number[], node: [] as number[], gcl: [] as number[], catalog: [] as number[] };

/** Median wall time of `reps` fresh processes, and the verdict of the last; each time is also kept in `into`. */
function oneShots(
  run: (dir: string) => { ms: number; valid: boolean },
  dir: string,
  into: number[],
): { ms: number; valid: boolean } {
  const runs = Array.from({ length: oneShotReps }, () => run(dir));
  into.push(...runs.map((r) => r.ms));
  return { ms: median(runs.map((r) => r.ms)), valid: runs.at(-1)!.valid };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

checkTools();
// One-shot times are of the package's bin as `npm run compile` (and so `npm pack`) makes it: compile it first, outside
// any timing.
const compiled = spawnSync('npm', ['run', '--silent', 'compile'], {
  cwd: join(dirname(fileURLToPath(import.meta.url)), '..'),
  stdio: 'inherit',
});
if (compiled.status !== 0) process.exit(1);
const cases = corpusCases().slice(0, limit);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const loadAtStart = loadavg()
  .map((l) => l.toFixed(2))
  .join(', ');
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
  // One-shot: a fresh process per lint, ours (the compiled bin), Node alone and gitlab-ci-local's alternating per
  // pipeline.
  const rows = repos.map(({ c, dir }, i) => {
    oneShots(runNode, dir, samples.node);
    const o = oneShots(runCli, dir, samples.ours);
    const g = oneShots(runGcl, dir, samples.gcl);
    return {
      name: c.name,
      expected: c.verdict,
      ours: ours[i]!.median,
      oursMax: ours[i]!.max,
      oursValid: ours[i]!.valid,
      oneShot: o.ms,
      oneShotValid: o.valid,
      gcl: g.ms,
      gclValid: g.valid,
    };
  });

  // This catalog's own pipeline (components included at the commit, read from the working tree): ours only, as
  // gitlab-ci-local cannot resolve components offline.
  for (let i = 0; i < oneShotReps * 5; i++) {
    samples.node.push(runNode(root).ms);
    samples.catalog.push(oneShot([cli, 'lint', '.gitlab-ci.yml'], root).ms);
  }

  const v = (ok: boolean) => (ok ? 'valid' : 'invalid');
  // Wall times of fresh processes grow with whatever else the machine runs: say how busy it was.
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  console.log(
    `schema loaded once in ${compileMs.toFixed(0)} ms; batch time is the median of ${reps} runs per pipeline, ` +
      `one-shot times the median of ${oneShotReps} processes\n`,
  );
  console.log(
    `${'pipeline'.padEnd(40)} ${'batch ms'.padStart(8)} ${'max ms'.padStart(7)} ${'1-shot'.padStart(7)} ` +
      `${'gcl ms'.padStart(7)} ${'1-shot'.padStart(7)} ${'batch'.padStart(7)}  GitLab   ours     gcl`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(40)} ${r.ours.toFixed(2).padStart(8)} ${r.oursMax.toFixed(2).padStart(7)} ` +
        `${r.oneShot.toFixed(0).padStart(7)} ${r.gcl.toFixed(0).padStart(7)} ` +
        `${`${(r.gcl / r.oneShot).toFixed(1)}x`.padStart(7)} ${`${(r.gcl / r.ours).toFixed(0)}x`.padStart(7)}  ` +
        `${r.expected.padEnd(8)} ${v(r.oursValid).padEnd(8)} ${v(r.gclValid)}`,
    );
  }
  const gclTotal = rows.reduce((s, r) => s + r.gcl, 0);
  const oursMax = Math.max(...rows.map((r) => r.oursMax));
  const ratios = rows.map((r) => r.gcl / r.ours);
  console.log('');
  const oneShotMedian = median(rows.map((r) => r.oneShot));
  const gclMedian = median(rows.map((r) => r.gcl));
  const typical = rows.filter((r) => r.expected === 'valid');
  const spread = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)} ms`;
  console.log(
    `pipelines: ${rows.length}; load average at the start: ${loadAtStart}, at the end: ${load} (1, 5, 15 min) on ` +
      `${availableParallelism()} CPUs`,
  );
  console.log(
    `one-shot wall times, ${oneShotReps} processes per pipeline (median of those per pipeline in the table above):`,
  );
  console.log(`  node -e 0 (Node's own start, the floor)      ${spread(samples.node)}`);
  console.log(
    `  catalog lint                                 ${spread(samples.ours)} (valid pipelines: median ` +
      `${typical.length ? median(typical.map((r) => r.oneShot)).toFixed(0) : 'n/a'} ms; ` +
      `Node's start excluded: median ` +
      `${(median(samples.ours) - median(samples.node)).toFixed(0)} ms)`,
  );
  console.log(`  gitlab-ci-local --list                       ${spread(samples.gcl)}`);
  console.log(
    `  catalog lint of this catalog's .gitlab-ci.yml ${spread(samples.catalog)} (${samples.catalog.length} ` +
      `processes; components at the commit)`,
  );
  console.log(
    `one-shot: catalog lint median ${oneShotMedian.toFixed(0)} ms, gitlab-ci-local --list median ` +
      `${gclMedian.toFixed(0)} ms -> ${(gclMedian / oneShotMedian).toFixed(1)}x faster (target: >= 5x, and <= 150 ms)`,
  );
  // gitlab-ci-local stops at a pipeline's first error, so its time there is little more than its start: the ratio
  // on the pipelines it accepts compares the whole work of both, as when a working pipeline is linted on save.
  const accepted = rows.filter((r) => r.gclValid);
  if (accepted.length) {
    const [o, g] = [median(accepted.map((r) => r.oneShot)), median(accepted.map((r) => r.gcl))];
    console.log(
      `one-shot on the ${accepted.length} pipelines gitlab-ci-local accepts: catalog lint median ${o.toFixed(0)} ms, ` +
        `gitlab-ci-local --list median ${g.toFixed(0)} ms -> ${(g / o).toFixed(1)}x faster`,
    );
  }
  console.log(
    `one-shot verdicts: the compiled CLI's exit code matches the in-process linter on ` +
      `${rows.filter((r) => r.oneShotValid === r.oursValid).length}/${rows.length}`,
  );
  console.log(
    `batch mode: ours ${batchPer.toFixed(2)} ms/pipeline, gitlab-ci-local ${(gclTotal / rows.length).toFixed(0)} ` +
      `ms/pipeline -> ${(gclTotal / rows.length / batchPer).toFixed(0)}x faster`,
  );
  console.log(`per-pipeline ratio: median ${median(ratios).toFixed(0)}x, min ${Math.min(...ratios).toFixed(0)}x`);
  console.log(`slowest single pipeline (ours, schema compiled): ${oursMax.toFixed(2)} ms (target: <= 20 ms)`);
  console.log(
    `verdicts matching GitLab: ours ${rows.filter((r) => v(r.oursValid) === r.expected).length}/${rows.length}, ` +
      `gitlab-ci-local ${rows.filter((r) => v(r.gclValid) === r.expected).length}/${rows.length}`,
  );
} finally {
  for (const { dir } of repos) rmSync(dir, { recursive: true, force: true });
}
