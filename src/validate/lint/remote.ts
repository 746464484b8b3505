// GitLab's CI Lint API (POST /projects/:id/ci/lint) through @gitbeaker/rest, behind the same
// command as the offline linter. Retries 429 and 5xx with backoff, has a timeout, and never lets
// the token reach a message.
// gitbeaker is imported when a request is made: the offline lint must not pay for loading it.
import { problem, ProblemsError } from '../../internal/problem.js';

export interface RemoteLintConfig {
  /** e.g. https://gitlab.example.com (GITLAB_URL). */
  readonly url: string;
  /** A token with Developer access to the project (GITLAB_TOKEN). */
  readonly token: string;
  readonly projectId: string | number;
  /** Branch or tag the dry run simulates; default: the project's default branch. */
  readonly ref?: string;
  readonly dryRun?: boolean;
  readonly includeJobs?: boolean;
  /** Per request, in ms. */
  readonly timeoutMs?: number;
  /** Further attempts after a 429 or 5xx. */
  readonly retries?: number;
  readonly backoffMs?: number;
}

/** GitLab's answer (API::Entities::Ci::Lint::Result). */
export interface RemoteVerdict {
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
  readonly mergedYaml?: string;
  readonly includes?: unknown[];
  readonly jobs?: unknown[];
}

export function remoteConfigFromEnv(
  env: NodeJS.ProcessEnv,
  overrides: Partial<RemoteLintConfig> = {},
): RemoteLintConfig | string {
  const url = overrides.url ?? env.GITLAB_URL;
  const token = overrides.token ?? env.GITLAB_TOKEN;
  const projectId = overrides.projectId ?? env.GITLAB_PROJECT_ID ?? env.CI_PROJECT_ID;
  const missing = [
    !url && 'GITLAB_URL',
    !token && 'GITLAB_TOKEN',
    !projectId && 'GITLAB_PROJECT_ID (or --project-id)',
  ].filter(Boolean);
  if (missing.length) return `set ${missing.join(', ')} to lint with GitLab's CI Lint API`;
  return { ...overrides, url: url!.replace(/\/+$/, ''), token: token!, projectId: projectId! };
}

export function redact(text: string, token: string): string {
  return token ? text.split(token).join('[REDACTED]') : text;
}

function statusOf(e: unknown): number | undefined {
  const cause = (e as { cause?: { response?: { status?: number } } })?.cause;
  return cause?.response?.status;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function remoteLint(content: string, config: RemoteLintConfig): Promise<RemoteVerdict> {
  const { Lint } = await import('@gitbeaker/rest');
  const api = new Lint({ host: config.url, token: config.token, queryTimeout: config.timeoutMs ?? 30_000 });
  const retries = config.retries ?? 3;
  const backoff = config.backoffMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    try {
      const res = (await api.lint(config.projectId, content, {
        dryRun: config.dryRun ?? true,
        includeJobs: config.includeJobs ?? true,
        ...(config.ref ? { ref: config.ref } : {}),
      })) as unknown as Record<string, unknown>;
      return {
        valid: res.valid === true,
        errors: Array.isArray(res.errors) ? res.errors.map(String) : [],
        warnings: Array.isArray(res.warnings) ? res.warnings.map(String) : [],
        mergedYaml: typeof res.merged_yaml === 'string' ? res.merged_yaml : undefined,
        includes: Array.isArray(res.includes) ? res.includes : undefined,
        jobs: Array.isArray(res.jobs) ? res.jobs : undefined,
      };
    } catch (e) {
      const status = statusOf(e);
      const name = (e as Error)?.name ?? '';
      // gitbeaker already retries 429 and 502 itself; we add the other 5xx answers.
      const retriable = (status !== undefined && (status === 429 || status >= 500)) || name === 'GitbeakerRetryError';
      if (retriable && attempt < retries) {
        await sleep(backoff * 2 ** attempt);
        continue;
      }
      const what =
        name === 'GitbeakerTimeoutError'
          ? `timed out after ${config.timeoutMs ?? 30_000} ms`
          : status
            ? `answered HTTP ${status}: ${(e as Error).message}`
            : (e as Error).message;
      const hint =
        status === 401
          ? ' (check GITLAB_TOKEN)'
          : status === 403
            ? ' (the token needs Developer access to the project)'
            : status === 404
              ? ' (check GITLAB_URL and the project id)'
              : '';
      const message = redact(`GitLab CI Lint at ${config.url} ${what}${hint}`, config.token);
      throw new ProblemsError([problem('remote-lint', message)], message);
    }
  }
}

export interface VerdictDifference {
  readonly file: string;
  readonly local: boolean;
  readonly remote: boolean;
  readonly onlyLocal: string[];
  readonly onlyRemote: string[];
}

/** Where the offline verdict and GitLab's differ: the verdict, or messages one side lacks. */
export function compareVerdicts(
  file: string,
  localValid: boolean,
  localErrors: readonly string[],
  remote: RemoteVerdict,
): VerdictDifference | undefined {
  const onlyLocal = localErrors.filter((l) => !remote.errors.some((r) => r.includes(l) || l.includes(r)));
  const onlyRemote = remote.errors.filter((r) => !localErrors.some((l) => r.includes(l) || l.includes(r)));
  if (localValid === remote.valid && !onlyLocal.length && !onlyRemote.length) return undefined;
  return { file, local: localValid, remote: remote.valid, onlyLocal, onlyRemote };
}
