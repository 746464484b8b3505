// Which catalog a browse command reads: this checkout's catalog.yml (default), another catalog
// project by folder or git URL at a ref (--from, --ref), or a GitLab instance's CI/CD Catalog
// (--gitlab [group/project], with GITLAB_URL and GITLAB_TOKEN).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../internal/paths.js';
import { folderFiles, gitFiles, isGitUrl } from './files.js';
import { catalogFromFiles } from './from-catalog-yml.js';
import { gitlabCatalog, gitlabConfigFromEnv, gitlabSearchCatalog } from './gitlab.js';
import { browseError, type CatalogView } from './model.js';

export interface SourceOptions {
  /** A catalog project folder or git URL. */
  readonly from?: string;
  /** Branch, tag or SHA of --from (default: the folder as it is, or the remote's HEAD). */
  readonly ref?: string;
  /** `true` for the whole instance (search only), or a catalog project's full path. */
  readonly gitlab?: string | boolean;
  readonly cacheDir?: string;
  /** For searches of a whole GitLab instance: GitLab's own search words. */
  readonly search?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The folder the default source is read from (this checkout). */
  readonly cwd?: string;
}

export async function loadCatalog(o: SourceOptions = {}): Promise<CatalogView> {
  if (o.gitlab) {
    const cfg = gitlabConfigFromEnv(o.env ?? process.env);
    return typeof o.gitlab === 'string' ? gitlabCatalog(cfg, o.gitlab) : gitlabSearchCatalog(cfg, o.search ?? '');
  }
  const root = o.cwd ?? REPO_ROOT;
  const isUrl = !!o.from && isGitUrl(o.from);
  // A folder without --ref is read as it is on disk (uncommitted changes included).
  if (o.ref || isUrl)
    return catalogFromFiles(gitFiles(o.from ?? root, o.ref ?? 'HEAD', o.cacheDir ?? join(root, '.cache', 'catalogs')));
  const dir = o.from ? resolve(o.from) : root;
  if (!existsSync(dir))
    throw browseError(`${o.from} does not exist`, 'give --from a catalog project folder or a git URL');
  return catalogFromFiles(folderFiles(dir));
}
