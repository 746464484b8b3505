// `gitlab-runner exec shell <job>`: removed in Runner 17.0, and it never read `include`,
// `extends` or inputs. So the scenario is rendered to a standalone single-job file first
// (component included, inputs interpolated, `extends` merged) and run with a runner <= 16.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { writeFileAtomic } from '../../internal/fs.js';
import { toYaml } from '../../internal/yaml.js';
import { interpolate } from '../../validate/interpolation.js';
import { VENV_BIN } from '../tools.js';
import { jobEnvironment, pipelineJobs } from './gitlab-ci-local.js';
import { mask, type ExecRequest, type ExecResult, type Executor, type JobResult, type ScenarioProject } from './executor.js';

type Job = Record<string, unknown>;
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** GitLab's `extends` merge: hashes merge deeply, everything else (arrays too) is replaced. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(out[k]) && isObj(v) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

function resolveExtends(doc: Record<string, Job>, name: string, seen: string[] = []): Job {
  if (seen.includes(name)) throw new Error(`extends loop: ${[...seen, name].join(' -> ')}`);
  const job = doc[name];
  if (!isObj(job)) throw new Error(`job "${seen.at(-1)}" extends "${name}", which is not defined in the component`);
  const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? (job.extends as string[]) : [String(job.extends)];
  let merged: Job = {};
  for (const p of parents) merged = deepMerge(merged, resolveExtends(doc, p, [...seen, name]));
  const { extends: _drop, ...own } = job;
  void _drop;
  return deepMerge(merged, own);
}

export interface RenderedJob {
  readonly name: string;
  /** A complete .gitlab-ci.yml with this one job and nothing `gitlab-runner exec` cannot read. */
  readonly yaml: string;
  /** id_tokens the job declared: passed to exec as `--env`, which never minted them. */
  readonly idTokens: Readonly<Record<string, string | string[]>>;
}

/** Renders a component with inputs into one standalone file per visible job. */
export function renderStandalone(templateText: string, component: string, inputs: Readonly<Record<string, unknown>>, sha = '0'.repeat(40)): RenderedJob[] {
  const docs = parseAllDocuments(templateText);
  if (docs.length !== 2) throw new Error(`component "${component}": expected a spec document and a jobs document separated by ---`);
  const spec = (docs[0]!.toJS() as { spec?: { inputs?: Record<string, { default?: unknown }> } }).spec ?? {};
  const values: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(spec.inputs ?? {})) if (def && 'default' in def) values[k] = def.default;
  for (const [k, v] of Object.entries(inputs)) {
    if (!(k in (spec.inputs ?? {}))) throw new Error(`component "${component}": unknown input "${k}" (fix: use one of ${Object.keys(spec.inputs ?? {}).join(', ')})`);
    values[k] = v;
  }
  const missing = Object.keys(spec.inputs ?? {}).filter((k) => !(k in values));
  if (missing.length) throw new Error(`component "${component}": input(s) ${missing.join(', ')} required (fix: set them in the scenario's inputs)`);
  const doc = interpolate(docs[1]!.toJS(), { inputs: values, component: { name: component, sha, version: sha, reference: sha } }) as Record<string, Job>;
  const rendered: RenderedJob[] = [];
  for (const name of Object.keys(doc)) {
    if (name.startsWith('.') || !isObj(doc[name]) || ['stages', 'variables', 'default', 'workflow', 'include'].includes(name)) continue;
    const { id_tokens: idTokens, rules: _rules, needs: _needs, resource_group: _rg, environment: _env, ...job } = resolveExtends(doc, name);
    void _rules, _needs, _rg, _env;
    const tokens: Record<string, string | string[]> = {};
    for (const [v, s] of Object.entries((idTokens as Record<string, { aud: string | string[] }> | undefined) ?? {})) tokens[v] = s.aud;
    const out: Record<string, unknown> = {};
    if (isObj(doc.variables)) out.variables = doc.variables;
    out[name] = job;
    rendered.push({ name, yaml: `# Rendered for gitlab-runner exec from component "${component}": inputs interpolated, extends merged.\n${toYaml(out)}`, idTokens: tokens });
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
      return `${this.bin} is not on PATH. This executor needs GitLab Runner 16.x or older (\`gitlab-runner exec\` was removed in 17.0); install a 16.x runner binary, or use the default gitlab-ci-local executor`;
    }
    const major = runnerMajorVersion(out);
    if (major === undefined) return `could not read the version from \`${this.bin} --version\`: ${out.trim().split('\n')[0]}`;
    if (major >= 17) return `${this.bin} is version ${major}.x; \`gitlab-runner exec\` was removed in Runner 17.0. Put a 16.x runner first on PATH, or use the default gitlab-ci-local executor`;
    return undefined;
  }

  async run(req: ExecRequest): Promise<ExecResult> {
    const p = req.project;
    const component = componentOf(p);
    const template = templatePath(p.dir, component.name);
    const rendered = renderStandalone(readFileSync(template, 'utf8'), component.name, component.inputs, p.sha);
    const wanted = req.jobs ? rendered.filter((r) => req.jobs!.includes(r.name)) : rendered;
    const order = pipelineJobs(toYaml(Object.fromEntries(wanted.map((w) => [w.name, (parse(w.yaml) as Record<string, unknown>)[w.name]]))));
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
      execFileSync('git', ['-C', p.dir, '-c', 'user.name=scenario', '-c', 'user.email=scenario@example.com', 'commit', '-q', '-am', `render ${job.name}`], { stdio: 'ignore' });
      const started = Date.now();
      const r = await spawnCollect(this.bin, ['exec', 'shell', job.name, ...env], p.dir, { ...jobEnvironment(req.variables), PATH: `${VENV_BIN}:${process.env.PATH ?? ''}` });
      execFileSync('git', ['-C', p.dir, 'checkout', '-q', '-f', p.ref], { stdio: 'ignore' });
      results.push({ name: job.name, status: r.code === 0 ? 'success' : 'failed', trace: mask(r.output, secrets), durationMs: Date.now() - started });
      if (r.code !== 0) break;
    }
    return { status: results.length && results.every((r) => r.status === 'success') ? 'success' : 'failed', jobs: results };
  }
}

function componentOf(p: ScenarioProject): { name: string; inputs: Record<string, unknown> } {
  const doc = parse(readFileSync(join(p.dir, '.gitlab-ci.yml'), 'utf8')) as { include?: Array<{ component?: string; inputs?: Record<string, unknown> }> };
  const inc = doc.include?.find((i) => i.component);
  const name = /\/([^/@]+)@[^/]+$/.exec(inc?.component ?? '')?.[1];
  if (!inc || !name) throw new Error(`${p.dir}/.gitlab-ci.yml includes no component`);
  return { name, inputs: inc.inputs ?? {} };
}

function templatePath(dir: string, name: string): string {
  for (const c of [join(dir, 'templates', name, 'template.yml'), join(dir, 'templates', `${name}.yml`)]) if (existsSync(c)) return c;
  throw new Error(`component "${name}" has no templates/${name}/template.yml or templates/${name}.yml (fix: run \`npm run catalog -- build\`)`);
}

function spawnCollect(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}
