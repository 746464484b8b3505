// What `catalog lint` does, as a module: pick the files, lint offline, optionally ask GitLab,
// compare, render. The CLI only parses flags and prints.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint, lintEnv, TEMPLATE_PATH, templateInputSpecs, type LintOptions, type LintResult } from './index.js';
import { requirement, sampleArguments } from '../../gitlab/inputs.js';
import type { SpecInput } from '../../model/spec.js';
import { DirectorySource } from '../../gitlab/includes/source.js';
import { ProblemsError } from '../../internal/problem.js';
import { render, type Format, type HumanOptions } from './report/index.js';
import {
  compareVerdicts,
  remoteLint,
  type RemoteLintConfig,
  type RemoteVerdict,
  type VerdictDifference,
} from './remote.js';
import { toYaml } from '../../internal/yaml.js';

export interface RunLintOptions extends LintOptions {
  readonly format?: Format;
  /** Colours and verbosity of the human format. */
  readonly human?: HumanOptions;
  /** Ask GitLab's CI Lint API instead of the offline linter. */
  readonly remote?: RemoteLintConfig;
  /** Run both and report where the verdicts differ. */
  readonly compare?: boolean;
}

export interface RunLintOutput {
  readonly output: string;
  readonly exitCode: number;
}

/** With no files: the project's .gitlab-ci.yml and every component template. */
export function defaultFiles(cwd: string): string[] {
  const files = existsSync(join(cwd, '.gitlab-ci.yml')) ? ['.gitlab-ci.yml'] : [];
  return [...files, ...new DirectorySource(cwd).list().filter((f) => TEMPLATE_PATH.test(f))];
}

/** CI Lint takes no inputs: a template is sent as a consumer including it at HEAD with sample inputs. */
function remoteContent(result: LintResult, cwd: string, options: LintOptions): string {
  const m = TEMPLATE_PATH.exec(result.file);
  const bytes = readFileSync(join(cwd, result.file));
  if (!m) return bytes.toString('utf8');
  const env = lintEnv(options);
  const specs = templateInputSpecs(result.file, bytes) ?? {};
  // Only inputs without a default need a value; defaults stay GitLab's to apply.
  const all = sampleArguments(specs, {}, options.inputs).args;
  const required = Object.fromEntries(
    Object.entries(all).filter(([k]) => requirement(specs[k] as SpecInput) !== 'optional'),
  );
  const include = {
    component: `$CI_SERVER_FQDN/${env.projectPath}/${m[1]}@${env.headSha}`,
    ...(Object.keys(required).length ? { inputs: required } : {}),
  };
  return toYaml({ include: [include] });
}

function renderRemote(file: string, v: RemoteVerdict): string {
  return [
    `${v.valid ? '✔' : '✖'} ${file}: GitLab says ${v.valid ? 'valid' : 'invalid'}`,
    ...v.errors.map((e) => `  error: ${e}`),
    ...v.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}

function renderDifferences(diffs: readonly VerdictDifference[], total: number): string {
  if (!diffs.length) return `verdicts agree on all ${total} file(s)\n`;
  const lines = diffs.flatMap((d) => [
    `≠ ${d.file}: offline ${d.local ? 'valid' : 'invalid'}, GitLab ${d.remote ? 'valid' : 'invalid'}`,
    ...d.onlyLocal.map((m) => `  only offline: ${m}`),
    ...d.onlyRemote.map((m) => `  only GitLab: ${m}`),
  ]);
  return `${lines.join('\n')}\n${diffs.length} of ${total} file(s) differ\n`;
}

/** What the command prints when it cannot go on (a catalog mirror or GitLab's API failed). */
function stopped(e: ProblemsError): string {
  return e.problems.map((p) => `error: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}\n`).join('');
}

export async function runLint(files: readonly string[], options: RunLintOptions): Promise<RunLintOutput> {
  const cwd = options.cwd ?? process.cwd();
  const chosen = files.length ? files : defaultFiles(cwd);
  if (!chosen.length)
    return {
      output: 'no files to lint: pass files, or run in a project with .gitlab-ci.yml or templates/\n',
      exitCode: 1,
    };
  let local: LintResult[];
  try {
    local = lint(chosen, options);
  } catch (e) {
    if (e instanceof ProblemsError) return { output: stopped(e), exitCode: 1 };
    throw e;
  }
  if (!options.remote)
    return {
      output: render(options.format ?? 'human', local, options.human),
      exitCode: local.every((r) => r.valid) ? 0 : 1,
    };
  const remote: RemoteVerdict[] = [];
  try {
    for (const r of local) remote.push(await remoteLint(remoteContent(r, cwd, options), options.remote));
  } catch (e) {
    if (e instanceof ProblemsError) return { output: stopped(e), exitCode: 1 };
    throw e;
  }
  if (options.compare) {
    const diffs = local
      .map((r, i) =>
        compareVerdicts(
          r.file,
          r.valid,
          r.problems.filter((p) => p.severity === 'error').map((p) => p.message),
          remote[i]!,
        ),
      )
      .filter((d): d is VerdictDifference => !!d);
    return {
      output:
        `${render('human', local)}${local.map((r, i) => renderRemote(r.file, remote[i]!)).join('\n')}\n` +
        `${renderDifferences(diffs, local.length)}`,
      exitCode: diffs.length || !remote.every((v) => v.valid) ? 1 : 0,
    };
  }
  if (options.format === 'json')
    return {
      output: `${JSON.stringify(
        { valid: remote.every((v) => v.valid), files: local.map((r, i) => ({ file: r.file, ...remote[i] })) },
        null,
        2,
      )}\n`,
      exitCode: remote.every((v) => v.valid) ? 0 : 1,
    };
  return {
    output: `${local.map((r, i) => renderRemote(r.file, remote[i]!)).join('\n')}\n`,
    exitCode: remote.every((v) => v.valid) ? 0 : 1,
  };
}
