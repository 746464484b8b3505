// The consumer side of a scenario: a temporary git repository whose origin looks like a
// GitLab project, holding the generated templates/ and a .gitlab-ci.yml that includes the
// component at $CI_COMMIT_SHA, so gitlab-ci-local takes the real `include: component:` path.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../internal/fs.js';
import { toYaml } from '../internal/yaml.js';
import type { ScenarioProject } from './executors/executor.js';

export interface ProjectSpec {
  /** A folder laid out like the catalog's templates/: `<name>/template.yml` or `<name>.yml`. */
  readonly templatesDir: string;
  readonly component: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly files?: Readonly<Record<string, string>>;
  /** YAML appended to the consumer's `.gitlab-ci.yml` after the include. */
  readonly ci?: string;
  /** Other components of the catalog included after it, at the same commit (a deploy after a build). */
  readonly include?: readonly IncludedComponent[];
  readonly group?: string;
  readonly project?: string;
  readonly ref?: string;
  /** Serves as the remote host in origin's URL. */
  readonly host?: string;
}

export interface IncludedComponent {
  readonly component: string;
  readonly inputs?: Readonly<Record<string, unknown>>;
}

export function consumerPipeline(
  component: string,
  inputs: Readonly<Record<string, unknown>>,
  ci?: string,
  include: readonly IncludedComponent[] = [],
): string {
  const entries = [{ component, inputs }, ...include].map((c) => {
    const entry: Record<string, unknown> = {
      component: `$CI_SERVER_FQDN/$CI_PROJECT_PATH/${c.component}@$CI_COMMIT_SHA`,
    };
    if (Object.keys(c.inputs ?? {}).length) entry.inputs = c.inputs;
    return entry;
  });
  const text =
    `# Written by the scenario harness: includes the component under test at this commit.\n` +
    `${toYaml({ include: entries })}`;
  return ci ? `${text}\n# The scenario's own part of the pipeline.\n${ci.trimEnd()}\n` : text;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'scenario',
      GIT_AUTHOR_EMAIL: 'scenario@example.com',
      GIT_COMMITTER_NAME: 'scenario',
      GIT_COMMITTER_EMAIL: 'scenario@example.com',
    },
  }).trim();
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (name === '.git' || name === '.gitlab-ci-local') return [];
    return statSync(full).isDirectory() ? listFiles(root, full) : [relative(root, full)];
  });
}

export function createProject(spec: ProjectSpec): ScenarioProject & { remove(): void } {
  const group = spec.group ?? 'acme/platform';
  const project = spec.project ?? 'site';
  const ref = spec.ref ?? 'main';
  const dir = mkdtempSync(join(tmpdir(), 'catalog-scenario-'));
  try {
    cpSync(spec.templatesDir, join(dir, 'templates'), { recursive: true });
    writeFileAtomic(join(dir, '.gitlab-ci.yml'), consumerPipeline(spec.component, spec.inputs, spec.ci, spec.include));
    for (const [path, content] of Object.entries(spec.files ?? {})) writeFileAtomic(join(dir, path), content);
    git(dir, 'init', '-q', '-b', ref);
    git(dir, 'remote', 'add', 'origin', `https://${spec.host ?? 'gitlab.example.com'}/${group}/${project}.git`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-gpg-sign', '-m', 'scenario');
    // gitlab-ci-local asks for origin's default branch; answer it so its log stays clean.
    git(dir, 'update-ref', `refs/remotes/origin/${ref}`, 'HEAD');
    git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', `refs/remotes/origin/${ref}`);
    const sha = git(dir, 'rev-parse', 'HEAD');
    return {
      dir,
      group,
      project,
      ref,
      sha,
      files: listFiles(dir),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
