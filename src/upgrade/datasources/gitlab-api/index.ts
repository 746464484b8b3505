// Versions from GitLab's REST API through @gitbeaker/rest: the project's releases (what GitLab
// publishes to the CI/CD Catalog, with their descriptions as notes), its branches, and templates
// and catalog.yml as raw repository files. For servers whose git is not reachable from the job.
import { Gitlab } from '@gitbeaker/rest';
import { specInputs, templatePaths } from '../../gitlab.js';
import { releasesFromTags, type Release } from '../../versions.js';
import type { ComponentAt, ComponentProject, Datasource } from '../datasource.js';
import { DatasourceError, projectKey } from '../datasource.js';

export interface GitlabApiOptions {
  /** The API's base URL (GITLAB_URL); default `https://<server>`. */
  readonly url?: string;
  readonly token?: string;
  /** A job's CI_JOB_TOKEN, sent as GitLab expects a job token. */
  readonly jobToken?: string;
}

type Api = InstanceType<typeof Gitlab>;

const status = (e: unknown) => (e as { cause?: { response?: { status?: number } } }).cause?.response?.status;

export class GitlabApiDatasource implements Datasource {
  readonly id = 'gitlab-api';
  private readonly apis = new Map<string, Api>();

  constructor(private readonly options: GitlabApiOptions) {}

  private api(p: ComponentProject): Api {
    const host = this.options.url ?? `https://${p.server}`;
    let api = this.apis.get(host);
    if (!api) {
      api =
        this.options.token || !this.options.jobToken
          ? new Gitlab({ host, token: this.options.token ?? '' })
          : new Gitlab({ host, jobToken: this.options.jobToken });
      this.apis.set(host, api);
    }
    return api;
  }

  private fail(p: ComponentProject, what: string, e: unknown): never {
    const code = status(e);
    throw new DatasourceError(
      `cannot read the ${what} of ${projectKey(p)} from GitLab's API${code ? ` (HTTP ${code})` : ''}: ` +
        `${(e as Error).message}`,
      code === 401 || code === 403 || code === 404
        ? 'set GITLAB_TOKEN to a token with read_api on that project (and GITLAB_URL to its server)'
        : 'check GITLAB_URL and the network',
    );
  }

  async releases(p: ComponentProject): Promise<Release[]> {
    try {
      const all = (await this.api(p).ProjectReleases.all(p.path)) as unknown as Array<{
        tag_name: string;
        description?: string | null;
        commit?: { id?: string };
      }>;
      const notes = new Map(all.filter((r) => r.description).map((r) => [r.tag_name, r.description!]));
      return releasesFromTags(
        all.map((r) => ({ name: r.tag_name, sha: r.commit?.id ?? '' })),
        notes,
      );
    } catch (e) {
      if (e instanceof DatasourceError) throw e;
      this.fail(p, 'releases', e);
    }
  }

  async branches(p: ComponentProject): Promise<ReadonlyMap<string, string>> {
    try {
      const all = (await this.api(p).Branches.all(p.path)) as unknown as Array<{
        name: string;
        commit: { id: string };
      }>;
      return new Map(all.map((b) => [b.name, b.commit.id]));
    } catch (e) {
      this.fail(p, 'branches', e);
    }
  }

  private async raw(p: ComponentProject, path: string, ref: string): Promise<string | undefined> {
    try {
      return String(await this.api(p).RepositoryFiles.showRaw(p.path, path, ref));
    } catch (e) {
      if (status(e) === 404) return undefined;
      this.fail(p, `file ${path} at ${ref}`, e);
    }
  }

  async component(p: ComponentProject, ref: string, name: string): Promise<ComponentAt | undefined> {
    for (const path of templatePaths(name)) {
      const template = await this.raw(p, path, ref);
      if (template !== undefined)
        return { template, templatePath: path, inputs: specInputs(`${projectKey(p)}@${ref}:${path}`, template) };
    }
    return undefined;
  }

  catalogIndex(p: ComponentProject, ref: string): Promise<string | undefined> {
    return this.raw(p, 'catalog.yml', ref);
  }
}
