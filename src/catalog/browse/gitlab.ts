// A GitLab instance's CI/CD Catalog, read through its GraphQL API (there is no REST API for it):
// `ciCatalogResources` to find catalog projects, `ciCatalogResource(fullPath)` for one project's
// versions and each version's components and inputs. Field names as in GitLab's schema
// (app/graphql/types/ci/catalog/resources/...); `versions` resolves for one resource per request.
import { categoryOf, servicesOf } from './aws.js';
import { browseError, type CatalogView, type ComponentVersion, type ComponentView, type InputView } from './model.js';

export interface GitLabConfig {
  readonly url: string;
  readonly token?: string;
  readonly timeoutMs?: number;
}

interface GqlInput {
  name: string;
  required: boolean | null;
  default: string | null;
  description: string | null;
  regex: string | null;
  type: string | null;
}
interface GqlVersion {
  name: string;
  releasedAt: string | null;
  commit: { sha: string } | null;
  components: { nodes: Array<{ name: string; includePath: string; inputs: GqlInput[] | null }> };
}
interface GqlResource {
  fullPath: string;
  name: string;
  description: string | null;
  webPath?: string;
  versions?: { nodes: GqlVersion[] };
}

export const RESOURCES_QUERY = `query($search: String, $first: Int) {
  ciCatalogResources(search: $search, first: $first, sort: NAME_ASC) { nodes { fullPath name description webPath } }
}`;

export const RESOURCE_QUERY = `query($fullPath: ID!, $versions: Int) {
  ciCatalogResource(fullPath: $fullPath) {
    fullPath name description webPath
    versions(first: $versions) { nodes { name releasedAt commit { sha }
      components { nodes { name includePath inputs { name required default description regex type } } } } }
  }
}`;

export function gitlabConfigFromEnv(env: NodeJS.ProcessEnv): GitLabConfig {
  const url = env.GITLAB_URL?.replace(/\/+$/, '');
  if (!url)
    throw browseError(
      'GITLAB_URL is not set',
      'set GITLAB_URL to your GitLab (e.g. https://gitlab.example.com) and GITLAB_TOKEN to a token with read_api',
    );
  return { url, ...(env.GITLAB_TOKEN ? { token: env.GITLAB_TOKEN } : {}) };
}

async function graphql<T>(cfg: GitLabConfig, query: string, variables: Record<string, unknown>): Promise<T> {
  const endpoint = `${cfg.url}/api/graphql`;
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(cfg.token ? { authorization: `Bearer ${cfg.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(cfg.timeoutMs ?? 30_000),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    throw browseError(
      `cannot reach GitLab at ${cfg.url} (${why})`,
      'check GITLAB_URL and your network; it must answer https://<host>/api/graphql',
    );
  }
  if (res.status === 401 || res.status === 403)
    throw browseError(
      `GitLab at ${cfg.url} refused the token (HTTP ${res.status})`,
      'set GITLAB_TOKEN to a personal or project access token with the read_api scope',
    );
  if (!res.ok)
    throw browseError(
      `GitLab at ${cfg.url} answered HTTP ${res.status} to ${endpoint}`,
      'check GITLAB_URL points at the GitLab root (not a project page)',
    );
  let body: { data?: T; errors?: Array<{ message: string }> };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw browseError(`${endpoint} did not answer JSON`, 'check GITLAB_URL points at the GitLab root');
  }
  if (body.errors?.length)
    throw browseError(
      `GitLab's GraphQL API answered: ${body.errors.map((e) => e.message).join('; ')}`,
      'check the project path and that your GitLab has the CI/CD Catalog (16.7+)',
    );
  return body.data as T;
}

function inputView(i: GqlInput): InputView {
  const type = (i.type ?? 'STRING').toLowerCase();
  const required = i.required ?? i.default === null;
  let def: unknown = i.default ?? undefined;
  // GitLab serializes defaults as text; give them back their type for the inputs table.
  if (def !== undefined && type !== 'string') {
    try {
      def = JSON.parse(String(def));
    } catch {
      /* keep the text */
    }
  }
  return {
    name: i.name,
    type,
    required,
    ...(def !== undefined && !required ? { default: def } : {}),
    ...(i.regex ? { regex: i.regex } : {}),
    description: i.description ?? '',
  };
}

/** `qualify` names components `<project>/<name>`, for results that span catalog projects. */
function toCatalog(cfg: GitLabConfig, resources: GqlResource[], label: string, qualify: boolean): CatalogView {
  const components = new Map<string, { base: string; description: string; versions: ComponentVersion[] }>();
  for (const r of resources) {
    for (const v of r.versions?.nodes ?? []) {
      for (const c of v.components.nodes) {
        const key = qualify ? `${r.fullPath}/${c.name}` : c.name;
        const entry = components.get(key) ?? {
          base: c.includePath.replace(/@[^@]*$/, ''),
          description: r.description ?? '',
          versions: [],
        };
        entry.versions.push({
          version: v.name,
          released: true,
          ...(v.releasedAt ? { date: v.releasedAt.slice(0, 10) } : {}),
          ...(v.commit?.sha ? { sha: v.commit.sha } : {}),
          inputs: (c.inputs ?? []).map(inputView),
          changes: [],
        });
        components.set(key, entry);
      }
    }
  }
  const views: ComponentView[] = [...components.entries()].map(([name, e]) => ({
    name,
    description: e.description,
    includeBase: e.base,
    category: categoryOf(name, e.description),
    services: servicesOf([], e.description),
    iamActions: [],
    examples: [],
    versions: e.versions,
  }));
  const one = qualify ? undefined : resources[0];
  return {
    name: one?.name ?? `CI/CD Catalog of ${cfg.url}`,
    project: one?.fullPath ?? '',
    description: one?.description ?? '',
    source: label,
    components: views,
  };
}

/** One catalog project (its newest `versions` releases). */
export async function gitlabCatalog(cfg: GitLabConfig, fullPath: string, versions = 20): Promise<CatalogView> {
  const data = await graphql<{ ciCatalogResource: GqlResource | null }>(cfg, RESOURCE_QUERY, { fullPath, versions });
  if (!data.ciCatalogResource)
    throw browseError(
      `${fullPath} is not a CI/CD Catalog project on ${cfg.url} (or your token cannot see it)`,
      'check the project path (group/project), that it is published to the catalog, and that GITLAB_TOKEN can read it',
    );
  return toCatalog(cfg, [data.ciCatalogResource], `${cfg.url}/${fullPath}`, false);
}

/** The instance's catalog projects matching `search`, each with its newest release's components. */
export async function gitlabSearchCatalog(cfg: GitLabConfig, search: string, first = 20): Promise<CatalogView> {
  const data = await graphql<{ ciCatalogResources: { nodes: GqlResource[] } }>(cfg, RESOURCES_QUERY, {
    search: search || null,
    first,
  });
  const resources: GqlResource[] = [];
  for (const r of data.ciCatalogResources.nodes) {
    const one = await graphql<{ ciCatalogResource: GqlResource | null }>(cfg, RESOURCE_QUERY, {
      fullPath: r.fullPath,
      versions: 1,
    });
    if (one.ciCatalogResource) resources.push(one.ciCatalogResource);
  }
  return toCatalog(cfg, resources, `${cfg.url} CI/CD Catalog`, true);
}
