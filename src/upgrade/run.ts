// `catalog upgrade` as a function: options in, output text and exit code out. The CLI only
// parses flags and prints; the scheduled job, the group run and the tests call this.
import { isAbsolute, resolve } from 'node:path';
import { analyze, type Analysis } from './analyze.js';
import { unifiedDiff, writeChanges } from './apply.js';
import { parseSources, readConfig } from './config.js';
import type { Datasource } from './datasources/datasource.js';
import { createDatasource, DATASOURCES, type DatasourceId } from './datasources/index.js';
import { DEFAULT_POLICY, type Policy, type Target } from './policy.js';
import { renderHuman, renderJson, summarize, type Format } from './report.js';

export interface RunOptions {
  readonly root?: string;
  readonly files?: readonly string[];
  readonly to?: Target;
  readonly pin?: boolean;
  readonly pinSha?: boolean;
  readonly prerelease?: boolean;
  readonly allowDefaultChanges?: boolean;
  readonly sources?: readonly string[];
  readonly datasource?: DatasourceId;
  readonly serverFqdn?: string;
  readonly cacheDir?: string;
  readonly dryRun?: boolean;
  readonly check?: boolean;
  readonly format?: Format;
  readonly verify?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Instead of building one from the options (tests, the group run sharing one cache). */
  readonly use?: Datasource;
}

export interface RunResult {
  readonly output: string;
  readonly exitCode: number;
  readonly analysis: Analysis;
  readonly written: string[];
}

export function resolvePolicy(
  o: RunOptions,
  root: string,
): { policy: Policy; sources: Map<string, string>; files: readonly string[] } {
  const config = readConfig(root);
  const policy: Policy = {
    to: o.to ?? config.to ?? DEFAULT_POLICY.to,
    pin: o.pin ?? config.pin ?? DEFAULT_POLICY.pin,
    pinSha: o.pinSha ?? config.pinSha ?? DEFAULT_POLICY.pinSha,
    prerelease: o.prerelease ?? config.prerelease ?? DEFAULT_POLICY.prerelease,
    allowDefaultChanges: o.allowDefaultChanges ?? config.allowDefaultChanges ?? DEFAULT_POLICY.allowDefaultChanges,
  };
  const sources = new Map(Object.entries(config.sources ?? {}));
  for (const [k, v] of parseSources(o.sources ?? [])) sources.set(k, v);
  // A relative local path in a source is relative to the project, like every other path here.
  for (const [k, v] of sources)
    if (!/^[\w+.-]+:\/\/|^[^/]+@[^/]+:/.test(v) && !isAbsolute(v)) sources.set(k, resolve(root, v));
  return { policy, sources, files: o.files?.length ? o.files : (config.files ?? []) };
}

export async function runUpgrade(o: RunOptions): Promise<RunResult> {
  const env = o.env ?? process.env;
  const root = resolve(o.root ?? '.');
  const { policy, sources, files } = resolvePolicy(o, root);
  const serverFqdn = o.serverFqdn ?? env.CI_SERVER_FQDN ?? 'gitlab.com';
  const datasource =
    o.use ??
    createDatasource(o.datasource ?? 'git', {
      sources,
      cacheDir: resolve(root, o.cacheDir ?? '.cache/includes'),
      env,
      serverFqdn,
    });
  const analysis = await analyze({ root, entries: files, serverFqdn, policy, datasource, verify: o.verify });
  const s = summarize(analysis);
  const mode = o.check ? 'check' : o.dryRun ? 'dry-run' : 'written';
  const written = mode === 'written' ? writeChanges(analysis) : [];
  let output: string;
  if (o.format === 'json') output = renderJson(analysis, written);
  else output = (mode === 'dry-run' ? unifiedDiff(analysis) : '') + renderHuman(analysis, mode);
  const exitCode = s.errors > 0 ? 2 : o.check && s.upgrades > 0 ? 1 : 0;
  return { output, exitCode, analysis, written };
}

export { DATASOURCES };
