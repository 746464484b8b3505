// Versions from a catalog project's catalog.yml with history (docs/release-history.md), read by the
// browse loader (src/catalog/browse): the inputs of every released version without reading a
// template. For catalogs whose templates cannot be fetched; the result is not linted (no templates).
import type { SpecInput } from '../../../model/spec.js';
import { folderFiles, gitFiles, isGitUrl } from '../../../catalog/browse/files.js';
import { loadCatalog } from '../../../catalog/browse/source.js';
import type { CatalogView } from '../../../catalog/browse/model.js';
import { releasesFromTags, type Release } from '../../versions.js';
import type { ComponentAt, ComponentProject, Datasource } from '../datasource.js';
import { DatasourceError, projectKey } from '../datasource.js';
import { defaultGitUrl } from '../git/index.js';

export interface CatalogYmlOptions {
  /** `<host>/<project path>` -> the catalog project's folder or git URL. */
  readonly sources: ReadonlyMap<string, string>;
  readonly cacheDir: string;
}

export class CatalogYmlDatasource implements Datasource {
  readonly id = 'catalog-yml';
  private readonly views = new Map<string, Promise<CatalogView>>();

  constructor(private readonly options: CatalogYmlOptions) {}

  private from(p: ComponentProject): string {
    return this.options.sources.get(projectKey(p)) ?? defaultGitUrl(p);
  }

  private view(p: ComponentProject): Promise<CatalogView> {
    const key = projectKey(p);
    let v = this.views.get(key);
    if (v === undefined) {
      const from = this.from(p);
      v = loadCatalog({ from, cacheDir: this.options.cacheDir }).catch((e: Error) => {
        throw new DatasourceError(
          `cannot read catalog.yml of ${key} from ${from}: ${e.message.split('\n')[0]}`,
          `give its repository or folder with --source ${key}=<git URL or path>`,
        );
      });
      this.views.set(key, v!);
    }
    return v!;
  }

  async releases(p: ComponentProject): Promise<Release[]> {
    const view = await this.view(p);
    const seen = new Map<string, string>();
    for (const c of view.components)
      for (const v of c.versions) if (v.released) seen.set(v.version, v.sha ?? v.version);
    return releasesFromTags([...seen].map(([name, sha]) => ({ name, sha })));
  }

  async branches(): Promise<ReadonlyMap<string, string>> {
    return new Map();
  }

  async component(p: ComponentProject, ref: string, name: string): Promise<ComponentAt | undefined> {
    const c = (await this.view(p)).components.find((x) => x.name === name);
    const v = c?.versions.find((x) => x.released && (x.sha === ref || x.version === ref));
    if (!v) return undefined;
    const inputs: Record<string, SpecInput> = {};
    for (const i of v.inputs) {
      inputs[i.name] = {
        type: i.type as SpecInput['type'],
        ...(i.required ? {} : { default: i.default as SpecInput['default'] }),
        ...(i.options ? { options: i.options as SpecInput['options'] } : {}),
        ...(i.regex ? { regex: i.regex } : {}),
      };
    }
    return { inputs };
  }

  /** The newest catalog.yml: its history declares every rename up to now. */
  async catalogIndex(p: ComponentProject): Promise<string | undefined> {
    const from = this.from(p);
    return (isGitUrl(from) ? gitFiles(from, 'HEAD', this.options.cacheDir) : folderFiles(from)).read('catalog.yml');
  }
}
