// The one place that knows catalog.yml's shape (docs/release-history.md, historyFormat 1):
// it turns a catalog project's catalog.yml, generated docs pages and policies into the browse
// model. Each component's `versions` lists, newest first, what every release changed in its
// inputs (added, changed, removed, renamed); replaying them oldest first gives the inputs of
// each released version. A catalog.yml without `versions` (before releases were recorded)
// yields one version: the catalog's `version`, or the default branch.
import { Ajv } from 'ajv';
// js-yaml, not `yaml`, for reading: catalog.yml is plain generated data with no comments to keep,
// and js-yaml parses a 100-component history in a tenth of the time (bench/site.ts).
import { readYaml } from '../../gitlab/yaml.js';
import { applyDiff, type ComponentDiff } from '../compare.js';
import type { ComponentContract } from '../contract.js';
import type { CatalogInput } from '../read.js';
import type { CatalogFiles } from './files.js';
import {
  browseError,
  type CatalogView,
  type ChangeNote,
  type ComponentVersion,
  type ComponentView,
  type Example,
  type InputView,
} from './model.js';
import { categoryOf, servicesOf } from './aws.js';

/** A catalog.yml input; the versions' diffs keep only its contract, without the description. */
type Contract = Partial<CatalogInput>;

interface VersionDiff {
  version: string;
  status?: 'added' | 'removed';
  renamed?: Record<string, string>;
  removed?: string[];
  added?: Record<string, Contract>;
  changed?: Record<string, Contract>;
  deprecated?: { replacement?: string; note?: string } | null;
  changes?: ChangeNote[];
}

interface CatalogYml {
  name: string;
  project: string;
  description: string;
  version?: string | null;
  releases?: Array<{ version: string; date?: string; notes?: string }>;
  components: Array<{
    name: string;
    description: string;
    category?: string;
    docs?: string;
    deprecated?: { replacement?: string; note?: string };
    inputs: Record<string, Contract | null>;
    versions?: VersionDiff[];
  }>;
}

const input = {
  type: ['object', 'null'],
  properties: { type: { enum: ['string', 'number', 'boolean', 'array'] }, required: { type: 'boolean' } },
};
const SHAPE = {
  type: 'object',
  required: ['name', 'project', 'components'],
  properties: {
    name: { type: 'string' },
    project: { type: 'string' },
    description: { type: 'string' },
    releases: {
      type: 'array',
      items: { type: 'object', required: ['version'], properties: { version: { type: 'string' } } },
    },
    components: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'inputs'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
          description: { type: 'string' },
          inputs: { type: 'object', additionalProperties: input },
          versions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['version'],
              properties: {
                version: { type: 'string' },
                removed: { type: 'array', items: { type: 'string' } },
                renamed: { type: 'object', additionalProperties: { type: 'string' } },
                added: { type: 'object', additionalProperties: input },
                changed: { type: 'object', additionalProperties: input },
                changes: { type: 'array', items: { type: 'object', required: ['text'] } },
              },
            },
          },
        },
      },
    },
  },
} as const;

let validate: ReturnType<Ajv['compile']> | undefined;

const FIX =
  'regenerate it with `npm run catalog -- build` in the catalog project, or point --from at a catalog project';

export function parseCatalogYml(text: string, file: string): CatalogYml {
  // YAML 1.2's core schema: a release date stays the text it is, not a Date.
  const read = readYaml(file, text);
  if (!read.ok) throw browseError(`is not valid YAML: ${read.problems[0]!.message}`, FIX, { file });
  const doc = read.value;
  validate ??= new Ajv({ allErrors: false, strict: false }).compile(SHAPE);
  if (!validate(doc)) {
    const err = validate.errors![0]!;
    const at = err.instancePath.slice(1).replaceAll('/', '.') || '(top level)';
    throw browseError(`is not a catalog index: ${at} ${err.message}`, FIX, { file });
  }
  return doc as CatalogYml;
}

const deprecationText = (d: { replacement?: string; note?: string } | undefined | null): string | undefined =>
  d ? [d.replacement && `use ${d.replacement} instead`, d.note].filter(Boolean).join('; ') || 'deprecated' : undefined;

function inputView(name: string, c: Contract | null, described: Record<string, Contract | null>): InputView {
  const s = c ?? {};
  // Versions keep only the contract; descriptions come from the newest definition of the input.
  const current = described[name] ?? Object.values(described).find((x) => x?.formerName === name);
  const dep = deprecationText(s.deprecated);
  return {
    name,
    type: s.type ?? 'string',
    required: s.required ?? s.default === undefined,
    ...(s.default !== undefined ? { default: s.default } : {}),
    ...(s.options ? { options: s.options } : {}),
    ...(s.regex !== undefined ? { regex: s.regex } : {}),
    description: s.description ?? current?.description ?? '',
    ...(dep ? { deprecated: dep } : {}),
    ...(s.formerName ? { formerName: s.formerName } : {}),
  };
}

/** Replays the per-version diffs (oldest first) with the release history's own applyDiff. */
function replay(diffs: readonly VersionDiff[]): Array<{ diff: VersionDiff; inputs: Record<string, Contract> }> {
  let state: ComponentContract | undefined;
  const formerNames: Record<string, string> = {};
  const out: Array<{ diff: VersionDiff; inputs: Record<string, Contract> }> = [];
  for (const d of [...diffs].reverse()) {
    state = applyDiff(state, d as unknown as ComponentDiff);
    for (const [now, former] of Object.entries(d.renamed ?? {})) formerNames[now] = former;
    const inputs = Object.fromEntries(
      Object.entries(state?.inputs ?? {}).map(([n, c]) => [
        n,
        { ...(c as Contract), ...(formerNames[n] ? { formerName: formerNames[n] } : {}) },
      ]),
    );
    out.push({ diff: d, inputs });
  }
  return out.reverse();
}

/** `## IAM policy` JSON and `## Examples` (`### title` + a yaml block) from a generated docs page. */
function fromDocs(md: string | undefined): { policy?: unknown; examples: Example[] } {
  if (!md) return { examples: [] };
  const section = (title: string) => {
    const start = md.indexOf(`\n## ${title}\n`);
    if (start < 0) return '';
    const end = md.indexOf('\n## ', start + 4);
    return md.slice(start, end < 0 ? undefined : end);
  };
  let policy: unknown;
  const json = /```json\n([\s\S]*?)\n```/.exec(section('IAM policy'))?.[1];
  if (json) {
    try {
      policy = JSON.parse(json);
    } catch {
      policy = undefined;
    }
  }
  const examples: Example[] = [];
  for (const m of section('Examples').matchAll(/\n### (.+)\n[\s\S]*?```ya?ml\n([\s\S]*?)\n```/g))
    examples.push({ title: m[1]!.trim(), yaml: m[2]! });
  return { ...(policy ? { policy } : {}), examples };
}

function iamActions(policy: unknown): string[] {
  const actions = new Set<string>();
  const statements = (policy as { Statement?: unknown })?.Statement;
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    const a = (s as { Action?: unknown } | undefined)?.Action;
    for (const x of Array.isArray(a) ? a : [a]) if (typeof x === 'string') actions.add(x);
  }
  return [...actions].sort();
}

export function catalogFromFiles(files: CatalogFiles): CatalogView {
  const file = 'catalog.yml';
  const text = files.read(file);
  if (text === undefined)
    throw browseError(
      `${files.label} has no catalog.yml`,
      'run `npm run catalog -- build` in the catalog project, or point --from at a catalog project',
      { file },
    );
  const yml = parseCatalogYml(text, `${files.label}/${file}`);
  const dates = new Map((yml.releases ?? []).map((r) => [r.version, r.date]));
  const components: ComponentView[] = yml.components.map((c) => {
    const { policy, examples } = fromDocs(files.read(c.docs ?? `docs/components/${c.name}.md`));
    const fromPolicyFile = files.read(`components/${c.name}/policy.json`);
    const pol = policy ?? (fromPolicyFile ? (JSON.parse(fromPolicyFile) as unknown) : undefined);
    const actions = iamActions(pol);
    const history = c.versions?.length ? replay(c.versions) : [];
    const versions: ComponentVersion[] = history.map(({ diff, inputs }) => {
      const date = dates.get(diff.version);
      const sha = files.tagCommit(diff.version);
      return {
        version: diff.version,
        released: true,
        ...(date ? { date } : {}),
        ...(sha ? { sha } : {}),
        inputs: Object.entries(inputs).map(([n, x]) => inputView(n, x, c.inputs)),
        changes: diff.changes ?? [],
      };
    });
    if (!versions.length) {
      const released = !!yml.version && (yml.releases ?? []).some((r) => r.version === yml.version);
      const label = yml.version ?? 'main';
      const sha = released ? files.tagCommit(label) : undefined;
      versions.push({
        version: label,
        released: released || !!yml.version,
        ...(sha ? { sha } : {}),
        inputs: Object.entries(c.inputs).map(([n, x]) => inputView(n, x, c.inputs)),
        changes: [],
      });
    }
    const dep = deprecationText(c.deprecated);
    return {
      name: c.name,
      description: c.description ?? '',
      ...(dep ? { deprecated: dep } : {}),
      includeBase: `$CI_SERVER_FQDN/${yml.project}/${c.name}`,
      category: c.category ?? categoryOf(c.name, c.description ?? ''),
      services: servicesOf(actions, c.description ?? ''),
      iamActions: actions,
      ...(pol ? { policy: pol } : {}),
      examples,
      versions,
    };
  });
  const changelog = files.read('CHANGELOG.md');
  return {
    name: yml.name,
    project: yml.project,
    description: yml.description ?? '',
    source: files.label,
    components,
    ...(changelog ? { changelog } : {}),
  };
}
