// `--merge-request`: the upgrade as a branch and a merge request, for one project (the checkout
// the job runs in) or every project of a group. The commit is built with git plumbing on a
// temporary index, so the working tree is never touched; the branch has a fixed name and the
// merge request is updated when one is open, so a schedule never piles up duplicates.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import { changedFiles } from './apply.js';
import type { Analysis } from './analyze.js';
import { gitAuthEnv } from './datasources/git/index.js';
import { redactUrl } from './gitlab.js';
import { changes, mergeRequestDescription, summarize } from './report.js';
import { runUpgrade, type RunOptions } from './run.js';

export interface MergeRequestOptions extends RunOptions {
  /** Every project of this group (and its subgroups). */
  readonly group?: string;
  /** The project (path or id) the checkout at `root` belongs to; default CI_PROJECT_ID. */
  readonly project?: string;
  readonly branch: string;
}

type Api = InstanceType<typeof Gitlab>;

interface ProjectInfo {
  readonly id: number | string;
  readonly path: string;
  readonly httpUrl: string;
  readonly defaultBranch: string;
}

export class MergeRequestError extends Error {}

const AUTHOR = {
  GIT_AUTHOR_NAME: 'catalog-upgrade',
  GIT_AUTHOR_EMAIL: 'catalog-upgrade@noreply.gitlab.example',
  GIT_COMMITTER_NAME: 'catalog-upgrade',
  GIT_COMMITTER_EMAIL: 'catalog-upgrade@noreply.gitlab.example',
};

function git(cwd: string, args: readonly string[], env: Record<string, string> = {}, input?: string): string {
  try {
    return execFileSync('git', args, {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const stderr = redactUrl(
      String((e as { stderr?: string }).stderr ?? (e as Error).message)
        .trim()
        .split('\n')
        .slice(-1)[0] ?? '',
    );
    throw new MergeRequestError(`git ${args[0]} failed: ${stderr}`);
  }
}

function title(a: Analysis): string {
  const moves = a.files
    .flatMap((f) => f.pins)
    .filter(changes)
    .map((p) => `${p.component} ${p.from ?? p.ref} → ${p.to}`);
  const unique = [...new Set(moves)];
  const text = `Upgrade CI/CD components: ${unique.join(', ')}`;
  return text.length > 200 ? `Upgrade ${unique.length} CI/CD component pins` : text;
}

/** A commit of HEAD plus the analysis' changes, built on a temporary index. */
function commitChanges(root: string, a: Analysis, message: string): string {
  const index = join(mkdtempSync(join(tmpdir(), 'catalog-upgrade-index-')), 'index');
  const env = { ...AUTHOR, GIT_INDEX_FILE: index };
  try {
    git(root, ['read-tree', 'HEAD'], env);
    for (const f of changedFiles(a)) {
      const blob = git(root, ['hash-object', '-w', '--stdin'], env, f.after!).trim();
      const mode = git(root, ['ls-files', '-s', '--', f.file], env).split(' ')[0] || '100644';
      git(root, ['update-index', '--add', '--cacheinfo', `${mode},${blob},${f.file}`], env);
    }
    const tree = git(root, ['write-tree'], env).trim();
    return git(root, ['commit-tree', tree, '-p', 'HEAD', '-F', '-'], env, message).trim();
  } finally {
    rmSync(resolve(index, '..'), { recursive: true, force: true });
  }
}

async function upsertMergeRequest(
  api: Api,
  p: ProjectInfo,
  branch: string,
  t: string,
  description: string,
): Promise<{ iid: number; webUrl: string; action: 'opened' | 'updated' }> {
  const open = (await api.MergeRequests.all({
    projectId: p.id,
    sourceBranch: branch,
    state: 'opened',
  })) as unknown as Array<{ iid: number; web_url: string; target_branch: string }>;
  const mine = open.find((m) => m.target_branch === p.defaultBranch) ?? open[0];
  if (mine) {
    const mr = (await api.MergeRequests.edit(p.id, mine.iid, { title: t, description })) as unknown as {
      iid: number;
      web_url: string;
    };
    return { iid: mr.iid, webUrl: mr.web_url, action: 'updated' };
  }
  const mr = (await api.MergeRequests.create(p.id, branch, p.defaultBranch, t, {
    description,
    removeSourceBranch: true,
  })) as unknown as { iid: number; web_url: string };
  return { iid: mr.iid, webUrl: mr.web_url, action: 'opened' };
}

async function projectInfo(api: Api, id: string | number): Promise<ProjectInfo> {
  const p = (await api.Projects.show(id)) as unknown as {
    id: number;
    path_with_namespace: string;
    http_url_to_repo: string;
    default_branch: string;
  };
  return { id: p.id, path: p.path_with_namespace, httpUrl: p.http_url_to_repo, defaultBranch: p.default_branch };
}

/** Upgrades one checked-out project and opens or updates its merge request. */
async function upgradeProject(
  api: Api,
  token: string,
  p: ProjectInfo,
  root: string,
  o: MergeRequestOptions,
): Promise<string> {
  const r = await runUpgrade({ ...o, root, dryRun: true, check: false, format: 'human' });
  const s = summarize(r.analysis);
  if (!s.upgrades) return `${p.path}: no upgrades (${s.pins} pin(s), ${s.blocked} blocked, ${s.errors} error(s))`;
  const t = title(r.analysis);
  const commit = commitChanges(root, r.analysis, `${t}\n\n${mergeRequestDescription(r.analysis)}`);
  git(
    root,
    ['push', '--force', '--quiet', p.httpUrl, `${commit}:refs/heads/${o.branch}`],
    gitAuthEnv(p.httpUrl, token),
  );
  const mr = await upsertMergeRequest(api, p, o.branch, t, mergeRequestDescription(r.analysis));
  return (
    `${p.path}: ${mr.action} merge request !${mr.iid} (${mr.webUrl}): ${s.upgrades} upgrade(s) in ` +
    `${s.filesChanged} file(s)${s.blocked ? `, ${s.blocked} pin(s) with blocked versions` : ''}`
  );
}

export async function runMergeRequests(o: MergeRequestOptions): Promise<{ output: string; exitCode: number }> {
  const env = o.env ?? process.env;
  const url = env.GITLAB_URL ?? env.CI_SERVER_URL;
  const token = env.GITLAB_TOKEN;
  if (!url || !token)
    throw new MergeRequestError(
      '--merge-request needs GITLAB_URL (or CI_SERVER_URL in a job) and GITLAB_TOKEN, a token with the api and ' +
        'write_repository scopes (fix: set them in the environment, e.g. as masked CI/CD variables)',
    );
  const api = new Gitlab({ host: url, token });
  const lines: string[] = [];
  let failed = false;
  if (o.group) {
    const projects = (await api.Groups.allProjects(o.group, {
      includeSubgroups: true,
      archived: false,
    })) as unknown as Array<{
      id: number;
      path_with_namespace: string;
      http_url_to_repo: string;
      default_branch?: string;
      empty_repo?: boolean;
    }>;
    for (const raw of projects) {
      if (!raw.default_branch || raw.empty_repo) continue;
      const p: ProjectInfo = {
        id: raw.id,
        path: raw.path_with_namespace,
        httpUrl: raw.http_url_to_repo,
        defaultBranch: raw.default_branch,
      };
      const dir = mkdtempSync(join(tmpdir(), 'catalog-upgrade-project-'));
      try {
        git(
          dir,
          ['clone', '--quiet', '--depth', '1', '--branch', p.defaultBranch, p.httpUrl, 'checkout'],
          gitAuthEnv(p.httpUrl, token),
        );
        // Versions are looked up once for the whole group: one mirror cache outside the checkouts.
        lines.push(
          await upgradeProject(api, token, p, join(dir, 'checkout'), {
            ...o,
            cacheDir: resolve(o.root ?? '.', o.cacheDir ?? '.cache/includes'),
          }),
        );
      } catch (e) {
        failed = true;
        lines.push(`${p.path}: error: ${(e as Error).message}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    lines.push(`${projects.length} project(s) in ${o.group}`);
  } else {
    const id = o.project ?? env.CI_PROJECT_ID ?? env.CI_PROJECT_PATH;
    if (!id)
      throw new MergeRequestError(
        '--merge-request needs the project: --project <path or id>, or CI_PROJECT_ID in a job',
      );
    const p = await projectInfo(api, id);
    lines.push(await upgradeProject(api, token, p, resolve(o.root ?? '.'), o));
  }
  return { output: `${lines.join('\n')}\n`, exitCode: failed ? 2 : 0 };
}
