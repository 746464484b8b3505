// `gitlab-runner exec shell <job>`: removed in Runner 17.0, and it never read `include`,
// `extends` or inputs. So the scenario is rendered to a standalone single-job file first
// (component included, inputs interpolated, `extends` merged) and run with a runner <= 16.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from '../../internal/problem.js';
import { writeFileAtomic } from '../../internal/fs.js';
import { toYaml } from '../../internal/yaml.js';
import { componentArguments } from '../../gitlab/component.js';
import { jobsOf } from '../../gitlab/jobs.js';
import { expandTemplate } from '../../gitlab/pipeline.js';
import { loadYaml } from '../../gitlab/yaml.js';
import { jobPath } from '../tools.js';
import { jobEnvironment, pipelineJobs } from './gitlab-ci-local.js';
import {
  mask,
  type ExecRequest,
  type ExecResult,
  type Executor,
  type JobResult,
  type ScenarioProject,
} from './executor.js';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export interface RenderedJob {
  readonly name: string;
  /** A complete .gitlab-ci.yml with this one job and nothing `gitlab-runner exec` cannot read. */
  readonly yaml: string;
  /** The job as it is in that file. */
  readonly job: Record<string, unknown>;
  /** id_tokens the job declared: passed to exec as `--env`, which never minted them. */
  readonly idTokens: Readonly<Record<string, string | string[]>>;
}

/** Renders a component with inputs into one standalone file per visible job. */
export function renderStandalone(
  templateText: string,
  component: string,
  inputs: Readonly<Record<string, unknown>>,
  sha = '0'.repeat(40),
): RenderedJob[] {
  const file = `templates/${component}/template.yml`;
  const fail = (why: string) => new Error(`component "${component}": ${why}`);
  const outcome = componentArguments(file, templateText, inputs);
  if (!outcome.ok) throw fail(outcome.problems[0]!.message);
  const checked = outcome.value;
  if (!checked.hasHeader) throw fail('expected a spec document and a jobs document separated by ---');
  if (checked.unknown.length)
    throw fail(`unknown input "${checked.unknown[0]}" (fix: use one of ${checked.declared.join(', ')})`);
  if (checked.missing.length)
    throw fail(`input(s) ${checked.missing.join(', ')} required (fix: set them in the scenario's inputs)`);
  const built = expandTemplate(
    file,
    templateText,
    { ...inputs },
    { name: component, sha, version: sha, reference: sha },
  );
  if (!built.config) throw fail(built.problems.map(formatProblem).join('; '));
  const rendered: RenderedJob[] = [];
  for (const [name, resolved] of jobsOf(built.config)) {
    const {
      id_tokens: idTokens,
      rules: _rules,
      needs: _needs,
      resource_group: _rg,
      environment: _env,
      extends: _extends,
      ...job
    } = resolved;
    const tokens: Record<string, string | string[]> = {};
    for (const [v, s] of Object.entries((idTokens as Record<string, { aud: string | string[] }> | undefined) ?? {}))
      tokens[v] = s.aud;
    const out: Record<string, unknown> = {};
    if (isObj(built.config.variables)) out.variables = built.config.variables;
    out[name] = job;
    rendered.push({
      name,
      job,
      yaml:
        `# Rendered for gitlab-runner exec from component "${component}": inputs interpolated, extends ` +
        `merged.\n${toYaml(out)}`,
      idTokens: tokens,
    });
  }
  return rendered;
}

export function runnerMajorVersion(versionOutput: string): number | undefined {
  const m = /Version:\s*v?(\d+)\./.exec(versionOutput);
  return m ? Number(m[1]) : undefined;
}

export class RunnerExecExecutor implements Executor {
  readonly name = 'runner-exec';
  constructor(private readonly bin = 'gitlab-runner') {}

  async unavailable(): Promise<string | undefined> {
    let out: string;
    try {
      out = execFileSync(this.bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return (
        `${this.bin} is not on PATH. This executor needs GitLab Runner 16.x or older (\`gitlab-runner ` +
        `exec\` was removed in 17.0); install a 16.x runner binary, or use the default gitlab-ci-local executor`
      );
    }
    const major = runnerMajorVersion(out);
    if (major === undefined)
      return `could not read the version from \`${this.bin} --version\`: ${out.trim().split('\n')[0]}`;
    if (major >= 17)
      return (
        `${this.bin} is version ${major}.x; \`gitlab-runner exec\` was removed in Runner 17.0. Put a 16.x ` +
        `runner first on PATH, or use the default gitlab-ci-local executor`
      );
    return undefined;
  }

  async run(req: ExecRequest): Promise<ExecResult> {
    const p = req.project;
    const component = componentOf(p);
    const template = templatePath(p.dir, component.name);
    const rendered = renderStandalone(readFileSync(template, 'utf8'), component.name, component.inputs, p.sha);
    const wanted = req.jobs ? rendered.filter((r) => req.jobs!.includes(r.name)) : rendered;
    const order = pipelineJobs(Object.fromEntries(wanted.map((w) => [w.name, w.job])));
    const results: JobResult[] = [];
    for (const info of order) {
      const job = wanted.find((w) => w.name === info.name)!;
      const env: string[] = [];
      const secrets: string[] = [];
      for (const [variable, aud] of Object.entries(job.idTokens)) {
        const token = await req.idToken(info, aud);
        secrets.push(token);
        env.push('--env', `${variable}=${token}`);
      }
      // exec clones the committed state, so the rendered file is committed on a side branch.
      writeFileAtomic(join(p.dir, '.gitlab-ci.yml'), job.yaml);
      execFileSync('git', ['-C', p.dir, 'checkout', '-q', '-B', `runner-exec/${info.index}`], { stdio: 'ignore' });
      execFileSync(
        'git',
        [
          '-C',
          p.dir,
          '-c',
          'user.name=scenario',
          '-c',
          'user.email=scenario@example.com',
          'commit',
          '-q',
          '-am',
          `render ${job.name}`,
        ],
        { stdio: 'ignore' },
      );
      const started = Date.now();
      const dirs = req.jobDirs?.(info);
      const r = await spawnCollect(this.bin, ['exec', 'shell', job.name, ...env], p.dir, {
        ...jobEnvironment(req.variables),
        PATH: jobPath(),
        ...(dirs ? { HOME: dirs.home, TMPDIR: dirs.tmp } : {}),
      });
      execFileSync('git', ['-C', p.dir, 'checkout', '-q', '-f', p.ref], { stdio: 'ignore' });
      results.push({
        name: job.name,
        status: r.code === 0 ? 'success' : 'failed',
        trace: mask(r.output, secrets),
        durationMs: Date.now() - started,
        maskedTokens: secrets.filter((s) => r.output.includes(s)).length,
      });
      if (r.code !== 0) break;
    }
    return {
      status: results.length && results.every((r) => r.status === 'success') ? 'success' : 'failed',
      jobs: results,
    };
  }
}

function componentOf(p: ScenarioProject): { name: string; inputs: Record<string, unknown> } {
  const doc = loadYaml('.gitlab-ci.yml', readFileSync(join(p.dir, '.gitlab-ci.yml'), 'utf8')) as {
    include?: Array<{ component?: string; inputs?: Record<string, unknown> }>;
  };
  const inc = doc.include?.find((i) => i.component);
  const name = /\/([^/@]+)@[^/]+$/.exec(inc?.component ?? '')?.[1];
  if (!inc || !name) throw new Error(`${p.dir}/.gitlab-ci.yml includes no component`);
  return { name, inputs: inc.inputs ?? {} };
}

function templatePath(dir: string, name: string): string {
  for (const c of [join(dir, 'templates', name, 'template.yml'), join(dir, 'templates', `${name}.yml`)])
    if (existsSync(c)) return c;
  throw new Error(
    `component "${name}" has no templates/${name}/template.yml or templates/${name}.yml (fix: run \`npm run ` +
      `catalog -- build\`)`,
  );
}

function spawnCollect(
  bin: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}
