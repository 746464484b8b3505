import type { Command } from 'commander';
import { FORMATS, type Format } from '../validate/lint/report/index.js';
import { remoteConfigFromEnv } from '../validate/lint/remote.js';
import { runLint } from '../validate/lint/run.js';

const collect = (v: string, prev: string[]) => [...prev, v];

function pairs(list: string[], flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new Error(`${flag} ${item}: write it as name=value`);
    const raw = item.slice(eq + 1);
    // Values are YAML scalars, as in `include: inputs:`: 3 is a number, true a boolean, [a] an array.
    let value: unknown = raw;
    try {
      value = raw === '' ? '' : JSON.parse(raw);
    } catch {
      value = raw;
    }
    out[item.slice(0, eq)] = value;
  }
  return out;
}

export function registerLint(program: Command): void {
  program
    .command('lint [files...]')
    .description('lint .gitlab-ci.yml files and component templates with GitLab\'s rules, offline (or with GitLab\'s CI Lint API)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'human')
    .option('--input <name=value>', 'an input for the linted file\'s spec:inputs (repeatable)', collect, [])
    .option('--variable <NAME=value>', 'a CI variable for include paths and expand_vars (repeatable)', collect, [])
    .option('--cache-dir <dir>', 'where project/remote/template includes and foreign components are cached', '.cache/includes')
    .option('--component-repo <dir>', 'a clone of the catalog to resolve component tags, branches and SHAs in (default: this repository)')
    .option('--component-remote <url>', 'a git URL of the catalog to resolve component versions from (mirrored into the cache folder)')
    .option('--server-fqdn <host>', '$CI_SERVER_FQDN', 'gitlab.com')
    .option('--project-path <path>', 'this catalog\'s GitLab project path (default: `project` in catalog.yml)')
    .option('--remote', 'send the content to GitLab\'s CI Lint API (GITLAB_URL, GITLAB_TOKEN, GITLAB_PROJECT_ID)')
    .option('--compare', 'run the offline linter and GitLab\'s CI Lint API and print where they differ')
    .option('--project-id <id>', 'the GitLab project CI Lint runs in')
    .option('--ref <ref>', 'the branch or tag the CI Lint dry run simulates')
    .option('--timeout <ms>', 'CI Lint request timeout', '30000')
    .action(async (files: string[], o: Record<string, any>) => {
      if (!FORMATS.includes(o.format)) throw new Error(`--format ${o.format}: use one of ${FORMATS.join(', ')}`);
      let remote;
      if (o.remote || o.compare) {
        const cfg = remoteConfigFromEnv(process.env, { ...(o.projectId ? { projectId: o.projectId } : {}), ...(o.ref ? { ref: o.ref } : {}), timeoutMs: Number(o.timeout) });
        if (typeof cfg === 'string') throw new Error(cfg);
        remote = cfg;
      }
      const result = await runLint(files, {
        format: o.format as Format,
        inputs: o.input.length ? pairs(o.input, '--input') : undefined,
        variables: pairs(o.variable, '--variable') as Record<string, string>,
        cacheDir: o.cacheDir,
        componentRepo: o.componentRepo,
        componentRemote: o.componentRemote,
        serverFqdn: o.serverFqdn,
        projectPath: o.projectPath,
        remote,
        compare: !!o.compare,
      });
      process.stdout.write(result.output);
      process.exitCode = result.exitCode;
    });
}
