// The scenario suite: discover, shard, run one scenario at a time on one emulator, print a
// progress line per scenario, a summary, JUnit XML, and keep the traces of failed scenarios.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../internal/fs.js';
import { componentsWithoutScenarios, discoverScenarios, grep, shard } from './discover.js';
import type { Executor } from './executors/executor.js';
import { Harness, type ScenarioOutcome } from './harness.js';
import { junitXml, type JunitCase } from './junit.js';

export interface SuiteOptions {
  readonly root: string;
  readonly components?: readonly string[];
  /** Only scenarios whose id (`<component> › <scenario>`) matches this regular expression. */
  readonly grep?: string;
  /** `i/n` */
  readonly shard?: string;
  readonly executor?: Executor;
  readonly junitPath?: string;
  readonly tracesDir?: string;
  /** Keep traces of passed scenarios too. */
  readonly keepTraces?: boolean;
  /** Keep failed scenarios' consumer projects (default true). */
  readonly keepFailedProjects?: boolean;
  /** Run the security property besides the scenarios (default true). */
  readonly security?: boolean;
  readonly log?: (line: string) => void;
}

export interface ScenarioReport {
  readonly id: string;
  readonly component: string;
  readonly scenario: string;
  readonly passed: boolean;
  readonly failure?: string;
  readonly durationMs: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly tracePath?: string;
}

export interface SuiteReport {
  readonly scenarios: readonly ScenarioReport[];
  readonly passed: number;
  readonly failed: number;
  readonly durationMs: number;
  /** Emulator start-up and shutdown, outside any scenario. */
  readonly overheadMs: number;
  readonly warnings: readonly string[];
}

export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Writes each job's trace and the AWS call log of a scenario into `dir`. */
export function saveTraces(dir: string, out: ScenarioOutcome): string | undefined {
  if (!out.result) return undefined;
  // Jobs of a whole pipeline that did not run (skipped, manual, created) have no trace.
  for (const job of out.result.jobs)
    if (job.trace) writeFileAtomic(join(dir, `${slug(job.name) || 'job'}.log`), job.trace);
  writeFileAtomic(
    join(dir, 'aws-calls.json'),
    `${JSON.stringify({ counts: out.result.counts, calls: out.result.calls }, null, 2)}\n`,
  );
  return dir;
}

export async function runSuite(opts: SuiteOptions): Promise<SuiteReport> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const started = Date.now();
  const all = await discoverScenarios(opts.root, opts.components ?? [], { security: opts.security !== false });
  const refs = shard(grep(all, opts.grep), opts.shard);
  const warnings = componentsWithoutScenarios(opts.root).map(
    (c) => `component "${c}" has no scenarios (fix: add components/${c}/scenarios.ts)`,
  );
  const tracesDir = opts.tracesDir ?? join(opts.root, 'test-results', 'e2e', 'traces');
  const reports: ScenarioReport[] = [];
  const cases: JunitCase[] = [];
  let inScenarios = 0;
  if (refs.length) {
    const harness = await Harness.start({
      templatesDir: join(opts.root, 'templates'),
      ...(opts.executor ? { executor: opts.executor } : {}),
      ...(opts.keepFailedProjects === false ? { keepFailedProjects: false } : {}),
    });
    try {
      for (const [k, ref] of refs.entries()) {
        const out = await harness.run(ref.component, ref.scenario);
        inScenarios += out.durationMs;
        const dir = join(tracesDir, ref.component, slug(ref.scenario.name));
        rmSync(dir, { recursive: true, force: true });
        const tracePath = !out.passed || opts.keepTraces ? saveTraces(dir, out) : undefined;
        const counter = `[${String(k + 1).padStart(String(refs.length).length)}/${refs.length}]`;
        log(`${out.passed ? '✓' : '✗'} ${counter} ${ref.id} (${secs(out.durationMs)})`);
        if (!out.passed) {
          log(`    ${out.failure?.split('\n').join('\n    ')}`);
          if (tracePath) log(`    traces: ${tracePath}`);
          if (out.projectDir) log(`    consumer project: ${out.projectDir}`);
        }
        reports.push({
          id: ref.id,
          component: ref.component,
          scenario: ref.scenario.name,
          passed: out.passed,
          ...(out.failure ? { failure: out.failure } : {}),
          durationMs: out.durationMs,
          counts: out.result?.counts ?? {},
          ...(tracePath ? { tracePath } : {}),
        });
        cases.push({
          component: ref.component,
          scenario: ref.scenario.name,
          durationMs: out.durationMs,
          ...(out.failure ? { failure: out.failure } : {}),
          ...(!out.passed && out.result ? { trace: out.result.trace } : {}),
        });
      }
    } finally {
      await harness.stop();
    }
  }
  const durationMs = Date.now() - started;
  const failed = reports.filter((r) => !r.passed).length;
  for (const w of warnings) log(`warning: ${w}`);
  log(
    refs.length
      ? `${reports.length - failed} passed, ${failed} failed, ${reports.length} scenarios in ${secs(durationMs)}` +
          `${opts.shard ? ` (shard ${opts.shard})` : ''}`
      : `no scenarios to run${opts.shard ? ` in shard ${opts.shard}` : ''}`,
  );
  const junitPath = opts.junitPath ?? join(opts.root, 'test-results', 'e2e', 'junit.xml');
  writeFileAtomic(junitPath, junitXml(cases));
  return {
    scenarios: reports,
    passed: reports.length - failed,
    failed,
    durationMs,
    overheadMs: durationMs - inScenarios,
    warnings,
  };
}
