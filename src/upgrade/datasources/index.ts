// The datasources, by the name `--datasource` takes. A new one is a folder and a line here.
import { CatalogYmlDatasource } from './catalog-yml/index.js';
import { GitDatasource } from './git/index.js';
import { GitlabApiDatasource } from './gitlab-api/index.js';
import type { Datasource } from './datasource.js';

export const DATASOURCES = ['git', 'gitlab-api', 'catalog-yml'] as const;
export type DatasourceId = (typeof DATASOURCES)[number];

export interface DatasourceOptions {
  readonly sources: ReadonlyMap<string, string>;
  readonly cacheDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly serverFqdn: string;
}

export function createDatasource(id: DatasourceId, o: DatasourceOptions): Datasource {
  switch (id) {
    case 'git':
      // In a job, the job token reads projects the job may read; a personal or project token otherwise.
      return new GitDatasource({
        sources: o.sources,
        cacheDir: o.cacheDir,
        token: o.env.GITLAB_TOKEN ?? o.env.CI_JOB_TOKEN,
        tokenUser: o.env.GITLAB_TOKEN ? 'oauth2' : 'gitlab-ci-token',
      });
    case 'gitlab-api':
      return new GitlabApiDatasource({
        url: o.env.GITLAB_URL ?? o.env.CI_SERVER_URL,
        token: o.env.GITLAB_TOKEN,
        jobToken: o.env.CI_JOB_TOKEN,
      });
    case 'catalog-yml':
      return new CatalogYmlDatasource({ sources: o.sources, cacheDir: o.cacheDir });
  }
}
