// Benchmark: `catalog lint` on a 1 MB alias-heavy pipeline (anchors, `<<` merge keys and aliases
// in every job), against named peers on the same file in the same run: js-yaml loading it (the
// reader our parser uses for well-formed files, so the floor of our lint), the `yaml` library
// parsing it to its syntax tree (the reader we use for messages on broken files; with the options we
// use, no duplicate-key check), and `yaml`'s own alias expansion (`parse`), which is quadratic
// (capped at 60 s in a child process). With --gcl, gitlab-ci-local --list on the same file too
// (minutes on a file this size).
// Budget: our lint of the file takes under 2 s. Each time is shown as wall time and as the CPU time
// of this process: on a shared machine wall time also counts the time spent waiting for a core (the
// load average is printed), so the budget is checked on CPU time, and the ratio to js-yaml, measured
// the same way in the same run, says how far above the floor we are. Also times an alias bomb and a
// merge-key bomb, which must be refused (the bomb) or accepted (merge keys reuse the same keys) quickly.
//   npm run bench -- lint-aliases [-- --reps 5 --gcl]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { lint } from '../src/validate/lint/index.js';

const BUDGET_MS = 2000;
const i = process.argv.indexOf('--reps');
const reps = i > 0 ? Number(process.argv[i + 1]) : 5;
const gcl = join(createRequire(import.meta.url).resolve('gitlab-ci-local/package.json'), '..', 'dist', 'index.js');

/** About 1 MB: shared defaults, scripts and variables reused by every job through anchors and merge keys. */
function aliasHeavy(bytes: number): { text: string; jobs: number } {
  const head = [
    'stages: [build, test, deploy]',
    '.defaults: &defaults',
    '  image: alpine:3.20',
    '  interruptible: true',
    '  retry: &retry {max: 2, when: [runner_system_failure, stuck_or_timeout_failure]}',
    '  before_script: &setup',
    '    - echo "preparing"',
    '    - export PATH="$PWD/bin:$PATH"',
    '  variables: &vars {GIT_DEPTH: "20", FF_USE_FASTZIP: "true", LOG_LEVEL: info}',
    '.rules: &rules',
    '  - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    '  - if: $CI_MERGE_REQUEST_IID',
    '',
  ].join('\n');
  const parts = [head];
  let size = head.length + 1;
  let jobs = 0;
  const stages = ['build', 'test', 'deploy'];
  while (size <= bytes) {
    const job = [
      `job-${jobs}:`,
      '  <<: *defaults',
      `  stage: ${stages[jobs % 3]}`,
      '  rules: *rules',
      '  variables: *vars',
      '  script:',
      `    - echo "job ${jobs}"`,
      '',
    ].join('\n');
    parts.push(job);
    size += job.length + 1;
    jobs++;
  }
  if (size > bytes) {
    parts.pop();
    jobs--;
  }
  return { text: parts.join('\n'), jobs };
}

function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let n = 1; n < 9; n++)
    lines.push(
      `a${n}: &a${n} [${Array(10)
        .fill(`*a${n - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\ntest:\n  script: echo\n`;
}

function mergeKeyBomb(): string {
  const lines = ['.b0: &b0 {script: [echo], stage: test}'];
  for (let n = 1; n < 30; n++)
    lines.push(
      `.b${n}: &b${n}\n  <<: [${Array(10)
        .fill(`*b${n - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\njob:\n  <<: *b29\n`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (f: () => unknown) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
interface Timing {
  readonly wall: number;
  readonly cpu: number;
}
/** Wall and CPU time (this process: user and system) of `f`, each the median of `reps` runs. */
function timed(f: () => unknown): Timing {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c = process.cpuUsage();
    walls.push(time(f));
    const d = process.cpuUsage(c);
    cpus.push((d.user + d.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}
const ms = (t: Timing) => `${t.wall.toFixed(0).padStart(6)} ms wall ${t.cpu.toFixed(0).padStart(6)} ms CPU`;

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
const dir = mkdtempSync(join(tmpdir(), 'bench-aliases-'));
try {
  // GitLab's limit is 1 MiB; stay just under it.
  const { text, jobs } = aliasHeavy(1024 * 1024 - 1024);
  writeFileSync(join(dir, '.gitlab-ci.yml'), text);
  writeFileSync(join(dir, 'bomb.yml'), aliasBomb());
  writeFileSync(join(dir, 'merge-bomb.yml'), mergeKeyBomb());
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['remote', 'add', 'origin', 'https://gitlab.com/bench/aliases.git'],
    ['add', '-A'],
    ['commit', '-q', '-m', 'bench'],
  ]) {
    execFileSync('git', args, { cwd: dir, env: gitEnv });
  }
  // Warm up once (schema compilation, JIT), then take the median.
  const first = lint(['.gitlab-ci.yml'], { cwd: dir })[0]!;
  const ours = timed(() => lint(['.gitlab-ci.yml'], { cwd: dir }));
  // js-yaml stops after 10,000 merge keys unless told otherwise; this file has one per job.
  const jsyamlOptions = { json: true, maxTotalMergeKeys: -1 } as jsyaml.LoadOptions;
  const jsyamlLoad = timed(() => jsyaml.loadAll(text, () => {}, jsyamlOptions));
  const yamlTree = timed(() => parseAllDocuments(text, { merge: false, uniqueKeys: false }));
  // The library's own alias expansion walks the document once per alias: run it apart, with a cap.
  const expand = `import { parse } from 'yaml'; import { readFileSync } from 'node:fs';
    const t = performance.now(); parse(readFileSync(process.argv[1], 'utf8'), { maxAliasCount: -1, merge: true });
    console.log(performance.now() - t);`;
  const expanded = spawnSync(process.execPath, ['--input-type=module', '-e', expand, join(dir, '.gitlab-ci.yml')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const yamlExpand =
    expanded.status === 0 ? `${Number(expanded.stdout).toFixed(0).padStart(6)} ms` : '> 60000 ms (stopped)';
  let gclStatus: number | null = null;
  const gclMs = process.argv.includes('--gcl')
    ? time(() => {
        const env = { ...process.env, NO_COLOR: '1' };
        gclStatus = spawnSync(process.execPath, [gcl, '--list'], {
          cwd: dir,
          encoding: 'utf8',
          timeout: 600_000,
          env,
        }).status;
      })
    : undefined;
  let bomb = lint(['bomb.yml'], { cwd: dir })[0]!;
  const bombMs = time(() => (bomb = lint(['bomb.yml'], { cwd: dir })[0]!));
  let merge = lint(['merge-bomb.yml'], { cwd: dir })[0]!;
  const mergeMs = time(() => (merge = lint(['merge-bomb.yml'], { cwd: dir })[0]!));

  const kb = (Buffer.byteLength(text) / 1024).toFixed(0);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `alias-heavy pipeline: ${kb} KB, ${jobs} jobs, each with a merge key and three aliases; median of ${reps} runs ` +
      `(load average ${load})`,
  );
  console.log(
    `  catalog lint (parse, merge, extends, ci.json, rules)  ${ms(ours)}   ` +
      `${first.valid ? 'valid' : `invalid: ${first.problems[0]?.message}`}; ` +
      `${(ours.cpu / jsyamlLoad.cpu).toFixed(1)}x js-yaml's CPU time`,
  );
  console.log(`  js-yaml: load (loadAll, aliases shared)               ${ms(jsyamlLoad)}`);
  console.log(`  yaml library: syntax tree only (parseAllDocuments)    ${ms(yamlTree)}`);
  console.log(`  yaml library: parse with its alias expansion          ${yamlExpand}`);
  if (gclMs !== undefined) {
    console.log(
      `  gitlab-ci-local --list                                ${gclMs.toFixed(0).padStart(6)} ms   ` +
        `${gclStatus === 0 ? 'valid' : 'invalid'}`,
    );
  }
  console.log(`  budget                                                ${String(BUDGET_MS).padStart(6)} ms CPU`);
  console.log(
    `alias bomb (10^9 nodes expanded): ${bombMs.toFixed(0)} ms, ` +
      `${bomb.valid ? 'accepted (wrong)' : `refused: ${bomb.problems[0]?.message}`}`,
  );
  console.log(
    `merge-key bomb (10^29 merges of one map): ${mergeMs.toFixed(0)} ms, ` +
      (merge.valid ? 'accepted (as GitLab does: the merged map is small)' : `refused: ${merge.problems[0]?.message}`),
  );
  if (ours.cpu > BUDGET_MS || bomb.valid || !merge.valid) {
    console.error(
      `lint-aliases: over budget or wrong verdict (fix: keep alias handling linear; see src/gitlab/yaml.ts)`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
