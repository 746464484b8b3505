// Benchmark: the components' end-to-end scenarios and the security property's runs. Prints the
// wall time of the whole suite, of each scenario with the AWS API calls its jobs made, and what the
// property adds per component next to the component's own scenarios; then the peers that bound it,
// measured in the same run: a moto cold start (what reusing one emulator per worker saves
// per scenario) versus a reset, and a bare gitlab-ci-local invocation (the floor per job).
//   npm run bench -- e2e [--components s3-site,oidc-auth] [--shard 1/2]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobEnvironment, runGcl } from '../src/harness/executors/gitlab-ci-local.js';
import { startMoto } from '../src/harness/moto.js';
import { createProject } from '../src/harness/project.js';
import { runSuite } from '../src/harness/run.js';
import { REPO_ROOT } from '../src/harness/tools.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function peers(): Promise<Array<[string, number]>> {
  const cold: number[] = [];
  const reset: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const m = await startMoto();
    cold.push(performance.now() - t);
    for (let j = 0; j < 3; j++) {
      const r = performance.now();
      await m.reset();
      reset.push(performance.now() - r);
    }
    await m.stop();
  }
  const templatesDir = fileURLToPath(new URL('../test/e2e/fixtures/templates', import.meta.url));
  const project = createProject({
    templatesDir,
    component: 'whoami',
    inputs: { 'role-arn': 'arn:aws:iam::123456789012:role/r' },
  });
  const gcl: number[] = [];
  try {
    for (let i = 0; i < 3; i++) gcl.push((await runGcl(project.dir, ['--preview'], jobEnvironment({}))).durationMs);
  } finally {
    project.remove();
  }
  return [
    ['moto_server cold start (median of 3)', median(cold)],
    ['moto reset between scenarios (median of 9)', median(reset)],
    ['gitlab-ci-local --preview, trivial pipeline (median of 3)', median(gcl)],
  ];
}

const scratch = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
try {
  console.log("e2e: components' scenarios under gitlab-ci-local against moto (one emulator, sequential)");
  const report = await runSuite({
    root: REPO_ROOT,
    components: (arg('components') ?? '').split(',').filter(Boolean),
    ...(arg('shard') ? { shard: arg('shard')! } : {}),
    junitPath: join(scratch, 'junit.xml'),
    tracesDir: join(scratch, 'traces'),
    log: () => undefined,
  });
  const width = Math.max(...report.scenarios.map((s) => s.id.length), 20);
  console.log(`\n${'scenario'.padEnd(width)}  ${'wall'.padStart(8)}  AWS calls by the jobs`);
  for (const s of report.scenarios) {
    const calls = Object.entries(s.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`${s.id.padEnd(width)}  ${ms(s.durationMs).padStart(8)}  ${s.passed ? '' : '[FAILED] '}${calls}`);
  }
  // The security property's runs are scenarios too: what they add per component, beside the
  // component's own scenarios measured in the same run.
  console.log(`\n${'component'.padEnd(14)}  ${'scenarios'.padStart(16)}  ${'security property'.padStart(22)}  added`);
  for (const component of [...new Set(report.scenarios.map((s) => s.component))]) {
    const own = report.scenarios.filter((s) => s.component === component && !s.scenario.startsWith('security: '));
    const probes = report.scenarios.filter((s) => s.component === component && s.scenario.startsWith('security: '));
    const sum = (xs: typeof own) => xs.reduce((a, s) => a + s.durationMs, 0);
    const added = sum(own) ? `+${Math.round((100 * sum(probes)) / sum(own))}%` : '';
    console.log(
      `${component.padEnd(14)}  ${`${own.length} in ${ms(sum(own))}`.padStart(16)}  ` +
        `${`${probes.length} runs in ${ms(sum(probes))}`.padStart(22)}  ${added}`,
    );
  }
  const total = report.scenarios.reduce((a, s) => a + s.durationMs, 0);
  console.log(
    `\nwhole suite: ${ms(report.durationMs)} wall for ${report.scenarios.length} scenarios (${report.passed} ` +
      `passed, ${report.failed} failed); ` +
      `scenarios ${ms(total)}, emulator start/stop and discovery ${ms(report.overheadMs)}; mean ` +
      `${ms(total / Math.max(1, report.scenarios.length))} per scenario`,
  );
  console.log('\npeers, measured now:');
  for (const [name, v] of await peers()) console.log(`  ${name.padEnd(58)} ${v.toFixed(0).padStart(6)} ms`);
  if (report.failed) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
