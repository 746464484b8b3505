import type { Command } from 'commander';
import { readYaml } from '../gitlab/yaml.js';
import { FORMATS, type Format } from '../validate/lint/report/index.js';
import { colorEnabled } from './terminal.js';

const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * `name=value` pairs; `typed` values are YAML, as in `include: inputs:` (3 is a number, true a boolean, [a] an array).
 */
export function pairs(list: readonly string[], flag: string, typed: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new Error(`${flag} ${item}: write it as name=value`);
    const raw = item.slice(eq + 1);
    let value: unknown = raw;
    if (typed && raw !== '') {
      const read = readYaml(flag, raw);
      if (!read.ok)
        throw new Error(
          `${flag} ${item}: the value is not YAML (${read.problems[0]!.message}) (fix: quote it, e.g. ` +
            `${flag} '${item.slice(0, eq)}="${raw.replace(/"/g, '\\"')}"')`,
        );
      value = read.value;
    }
    out[item.slice(0, eq)] = value;
  }
  return out;
}

export function registerLint(program: Command): void {
  program
    .command('lint [files...]')
    .description(
      "lint .gitlab-ci.yml files and component templates with GitLab's rules, offline (or with GitLab's CI Lint API)",
    )
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'human')
    .option(
      '--verbose',
      'human format: a line for every file, valid or not (default: only problems, and a summary for many files)',
    )
    .option(
      '--input <name=value>',
      "an input for the linted file's spec:inputs; the value is YAML (repeatable)",
      collect,
      [],
    )
    .option(
      '--variable <NAME=value>',
      'a CI variable for include paths and expand_vars; the value is text (repeatable)',
      collect,
      [],
    )
    .option(
      '--cache-dir <dir>',
      'where project/remote/template includes and foreign components are cached',
      '.cache/includes',
    )
    .option(
      '--component-repo <dir>',
      'a clone of the catalog to resolve component tags, branches and SHAs in (default: this repository)',
    )
    .option(
      '--component-remote <url>',
      'a git URL of the catalog to resolve component versions from (mirrored into the cache folder)',
    )
    .option(
      '--fetch-components <url>',
      'mirror components of other projects from <url>/<project>.git (e.g. $CI_SERVER_URL) when they are not in ' +
        'the cache folder',
    )
    .option('--server-fqdn <host>', '$CI_SERVER_FQDN', 'gitlab.com')
    .option('--project-path <path>', "this catalog's GitLab project path (default: `project` in catalog.yml)")
    .option(
      '--security',
      'also check for unsafe patterns: inputs in scripts, unpinned components and images, CI_DEBUG_TRACE, curl | ' +
        'sh, credentials in variables, broad id_tokens aud and IAM trust policies',
    )
    .option('--remote', "send the content to GitLab's CI Lint API (GITLAB_URL, GITLAB_TOKEN, GITLAB_PROJECT_ID)")
    .option('--compare', "run the offline linter and GitLab's CI Lint API and print where they differ")
    .option('--project-id <id>', 'the GitLab project CI Lint runs in')
    .option('--ref <ref>', 'the branch or tag the CI Lint dry run simulates')
    .option('--timeout <ms>', 'CI Lint request timeout', '30000')
    // biome-ignore lint/suspicious/noExplicitAny: commander's option values are untyped; each is checked before use
    .action(async (files: string[], o: Record<string, any>) => {
      if (!FORMATS.includes(o.format)) throw new Error(`--format ${o.format}: use one of ${FORMATS.join(', ')}`);
      const inputs = o.input.length ? pairs(o.input, '--input', true) : undefined;
      const variables = pairs(o.variable, '--variable', false) as Record<string, string>;
      let remote: import('../validate/lint/remote.js').RemoteLintConfig | undefined;
      if (o.remote || o.compare) {
        const { remoteConfigFromEnv } = await import('../validate/lint/remote.js');
        const cfg = remoteConfigFromEnv(process.env, {
          ...(o.projectId ? { projectId: o.projectId } : {}),
          ...(o.ref ? { ref: o.ref } : {}),
          timeoutMs: Number(o.timeout),
        });
        if (typeof cfg === 'string') throw new Error(cfg);
        remote = cfg;
      }
      const { runLint } = await import('../validate/lint/run.js');
      const result = await runLint(files, {
        format: o.format as Format,
        human: {
          // Read only when a report is printed: process.stdout on a pipe loads Node's streams, which a one-shot lint
          // of a clean file (it prints nothing) can skip.
          get color() {
            return colorEnabled(process.stdout);
          },
          verbose: !!o.verbose,
        },
        inputs,
        variables,
        cacheDir: o.cacheDir,
        componentRepo: o.componentRepo,
        componentRemote: o.componentRemote,
        fetchComponents: o.fetchComponents,
        serverFqdn: o.serverFqdn,
        projectPath: o.projectPath,
        remote,
        compare: !!o.compare,
        security: !!o.security,
      });
      if (result.output) process.stdout.write(result.output);
      process.exitCode = result.exitCode;
    });
}
