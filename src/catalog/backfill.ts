// Rebuilds the release history from the catalog's semver tags when catalog.history.yml is
// missing (a catalog that released before it used `catalog release`). Each tag's contract is
// read from what GitLab read at that tag: the `spec:inputs` of templates/<name>.yml or
// templates/<name>/template.yml. Renames cannot be seen in templates; they show as removed + added.
import semver from 'semver';
import type { SpecInput } from '../model/spec.js';
import { diffCatalog, type Level } from './compare.js';
import {
  DEPRECATED_MARKER,
  inputContract,
  type CatalogContract,
  type ComponentContract,
  type Deprecation,
} from './contract.js';
import { listTags, lsTree, showFile, tagDate } from './git.js';
import { HISTORY_FILE, HISTORY_FORMAT, type History, type ReleaseRecord } from './history.js';
import { ProblemsError } from '../internal/problem.js';
import { isCatalogVersion } from './semver.js';
import { TEMPLATE_PATH } from '../gitlab/includes/resolve.js';
import { loadCi } from '../gitlab/yaml.js';

function deprecationIn(description: unknown): Deprecation | undefined {
  const m = typeof description === 'string' ? DEPRECATED_MARKER.exec(description) : null;
  return m ? { note: m[1]! } : undefined;
}

/** The contract GitLab would have published for a template's text. */
export function templateContract(file: string, text: string): ComponentContract {
  const spec = loadCi(file, text).header?.spec as
    | { inputs?: Record<string, SpecInput | null>; description?: unknown }
    | null
    | undefined;
  const inputs = Object.fromEntries(
    Object.entries(spec?.inputs ?? {}).map(([n, s]) => [n, inputContract(s, deprecationIn(s?.description))]),
  );
  const deprecated = deprecationIn(spec?.description);
  return deprecated ? { inputs, deprecated } : { inputs };
}

export function contractAtRef(root: string, ref: string): CatalogContract {
  const out: Record<string, ComponentContract> = {};
  // GitLab resolves templates/<name>.yml before templates/<name>/template.yml.
  const paths = lsTree(root, ref, 'templates')
    .filter((p) => TEMPLATE_PATH.test(p))
    .sort((a, b) => b.split('/').length - a.split('/').length);
  for (const path of paths) {
    const name = TEMPLATE_PATH.exec(path)![1]!;
    const text = showFile(root, ref, path);
    if (text === undefined) continue;
    try {
      out[name] = templateContract(path, text);
    } catch (e) {
      throw new ProblemsError([
        {
          code: 'release-history',
          severity: 'error',
          file: path,
          component: name,
          message:
            `at tag ${ref} cannot be read to rebuild the history: ` +
            `${e instanceof ProblemsError ? e.problems[0]!.message : (e as Error).message}`,
          fix: `write ${HISTORY_FILE} by hand for that version, or delete the tag if it was never released`,
        },
      ]);
    }
  }
  return out;
}

function bumpOf(prev: string | undefined, version: string): ReleaseRecord['bump'] {
  if (!prev) return 'initial';
  const d = semver.diff(prev, version);
  return (d?.replace(/^pre/, '') as Level | undefined) ?? 'patch';
}

/** The history the semver tags tell; empty when there are none. */
export function backfillFromTags(root: string): History {
  const tags = listTags(root)
    .filter((t) => isCatalogVersion(t))
    .sort((a, b) => semver.compare(a, b));
  const releases: ReleaseRecord[] = [];
  let prev: CatalogContract = {};
  for (const tag of tags) {
    const next = contractAtRef(root, tag);
    releases.unshift({
      version: tag,
      date: tagDate(root, tag),
      bump: bumpOf(releases[0]?.version, tag),
      notes: '',
      components: diffCatalog(prev, next),
    });
    prev = next;
  }
  return { format: HISTORY_FORMAT, releases };
}
