// `catalog site` on a synthetic catalog of 100 components x 20 released versions (about 20-35
// inputs each, history in catalog.yml's per-version format): build time from catalog.yml to a
// written site, and the weight of a component page. Budgets (issue 14): build < 2 s, a component
// page < 100 KB. Peer in the same run: `yaml` stringifying the same versions' inputs (what
// rendering the catalog as YAML, GitLab-style, costs on its own).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { folderFiles } from '../src/catalog/browse/files.js';
import { catalogFromFiles } from '../src/catalog/browse/from-catalog-yml.js';
import { buildSite } from '../src/catalog/site/build-site.js';

const COMPONENTS = 100;
const VERSIONS = 20;
const BUILD_BUDGET_MS = 2000;
const PAGE_BUDGET = 100 * 1024;

const desc = (n: string) =>
  `The ${n} setting: what it controls, its accepted values and how it interacts with the role, the region and ` +
  `the rest of the deploy.`;

function syntheticCatalogYml(): string {
  const versionName = (i: number) => `${1 + Math.floor(i / 5)}.${i % 5}.0`;
  const components = Array.from({ length: COMPONENTS }, (_, ci) => {
    const name = `component-${String(ci).padStart(3, '0')}`;
    const base = Object.fromEntries(
      Array.from({ length: 15 }, (_, k) => [
        `input-${k}`,
        k < 3
          ? { type: 'string', required: true }
          : {
              type: k % 4 === 0 ? 'boolean' : 'string',
              required: false,
              default: k % 4 === 0 ? false : `value-${k}`,
              ...(k % 5 === 0 ? { options: [`value-${k}`, 'other', 'third'] } : {}),
            },
      ]),
    );
    const current: Record<string, Record<string, unknown>> = { ...base };
    const versions: Array<Record<string, unknown>> = [{ version: versionName(0), status: 'added', added: base }];
    for (let v = 1; v < VERSIONS; v++) {
      const added = { [`added-in-${v}`]: { type: 'string', required: false, default: `v${v}` } };
      Object.assign(current, added);
      const entry: Record<string, unknown> = {
        version: versionName(v),
        added,
        changes: [{ level: 'minor', text: `new optional input \`added-in-${v}\`` }],
      };
      if (v % 5 === 0) {
        delete current[`input-${v / 5 + 3}`];
        entry.removed = [`input-${v / 5 + 3}`];
        entry.changes = [
          { level: 'major', text: `input \`input-${v / 5 + 3}\` removed` },
          ...(entry.changes as unknown[]),
        ];
      }
      versions.unshift(entry);
    }
    return {
      name,
      description:
        `Deploy ${name} to ${['S3', 'ECS', 'Lambda', 'CloudFormation'][ci % 4]} with OIDC: a ` +
        `synthetic component for the site benchmark.`,
      docs: `docs/components/${name}.md`,
      inputs: Object.fromEntries(Object.entries(current).map(([n, c]) => [n, { ...c, description: desc(n) }])),
      versions,
    };
  });
  return stringify({
    historyFormat: 1,
    name: 'Synthetic catalog',
    project: 'bench/synthetic',
    description: 'A synthetic catalog for the site benchmark.',
    version: '4.4.0',
    releases: [],
    components,
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-site-'));
writeFileSync(join(dir, 'catalog.yml'), syntheticCatalogYml());
const out = join(dir, 'public');

const builds: number[] = [];
const yamls: number[] = [];
let pages = 0;
for (let run = 0; run < 5; run++) {
  const t0 = performance.now();
  const catalog = catalogFromFiles(folderFiles(dir));
  pages = buildSite(catalog, out).pages;
  builds.push(performance.now() - t0);
  const t1 = performance.now();
  stringify(
    catalog.components.map((c) => ({
      name: c.name,
      versions: c.versions.map((v) => ({ version: v.version, inputs: v.inputs })),
    })),
  );
  yamls.push(performance.now() - t1);
}
const sizes = readdirSync(join(out, 'components')).map((f) => statSync(join(out, 'components', f)).size);
const biggest = Math.max(...sizes);
const assets = readdirSync(join(out, 'assets')).reduce((n, f) => n + statSync(join(out, 'assets', f)).size, 0);
const sample = readFileSync(join(out, 'components', 'component-000.html'), 'utf8');
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
else console.log(dir);

const build = median(builds);
console.log(`catalog: ${COMPONENTS} components x ${VERSIONS} versions; ${pages} pages written`);
console.log(
  `catalog site build (catalog.yml -> written site), median of 5: ${build.toFixed(0)} ms  (budget ` +
    `${BUILD_BUDGET_MS} ms)`,
);
console.log(
  `peer: yaml.stringify of the same versions' inputs, median of 5: ${median(yamls).toFixed(0)} ms  (site/yaml: ` +
    `${(build / median(yamls)).toFixed(1)}x)`,
);
console.log(
  `largest component page: ${(biggest / 1024).toFixed(1)} KB (budget ${PAGE_BUDGET / 1024} KB), median ` +
    `${(median(sizes) / 1024).toFixed(1)} KB; shared assets (css + js, cached): ${(assets / 1024).toFixed(1)} KB`,
);
console.log(
  `a page carries ${(sample.match(/<tr data-input/g) ?? []).length} input rows in HTML and ${VERSIONS} ` +
    `versions in its data`,
);
const over = [build > BUILD_BUDGET_MS && 'build time', biggest > PAGE_BUDGET && 'page weight'].filter(Boolean);
if (over.length) {
  console.error(`over budget: ${over.join(', ')}`);
  process.exit(1);
}
