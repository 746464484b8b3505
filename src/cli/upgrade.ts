import type { Command } from 'commander';

const collect = (v: string, prev: string[]) => [...prev, v];
const TARGETS = ['patch', 'minor', 'major', 'latest'];
const FORMATS = ['human', 'json'];
const DATASOURCES = ['git', 'gitlab-api', 'catalog-yml'];

export function registerUpgrade(program: Command): void {
  program
    .command('upgrade [files...]')
    .description(
      "keep the project's component pins current, safely: find every include: component: pin (in the files " +
        'given, default .gitlab-ci.yml, and the local files they include), check each newer version against the ' +
        'inputs this project passes, and rewrite only the reference',
    )
    .option(
      '--to <level>',
      `how far a pin may move: ${TARGETS.join(', ')} (default minor, or \`to\` in .catalog-upgrade.yml)`,
    )
    .option('--pin', 'also pin partial (@1, @1.2), ~latest and branch references to an exact version')
    .option('--pin-sha', 'write tag pins as `<commit SHA> # v<version>`')
    .option('--prerelease', 'consider pre-release versions')
    .option('--allow-default-changes', 'a changed default that this project relies on is a note, not a blocker')
    .option(
      '--source <host/path=url>',
      "where a component project's repository is: <host>/<project path>=<git URL or local path> (repeatable; " +
        'default https://<host>/<path>.git)',
      collect,
      [],
    )
    .option('--datasource <name>', `where versions come from: ${DATASOURCES.join(', ')}`, 'git')
    .option(
      '--server-fqdn <host>',
      '$CI_SERVER_FQDN for pins written with the variable (default: $CI_SERVER_FQDN, else gitlab.com)',
    )
    .option(
      '--cache-dir <dir>',
      'where component project mirrors are kept (shared with catalog lint)',
      '.cache/includes',
    )
    .option('--root <dir>', 'the project root', '.')
    .option('--dry-run', 'print a unified diff and write nothing')
    .option('--check', 'write nothing; exit 1 when upgrades are available')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'human')
    .option('--no-verify', 'skip linting the result with the target versions')
    .option(
      '--merge-request',
      'push the upgrade to a branch and open (or update) a merge request (GITLAB_URL, GITLAB_TOKEN)',
    )
    .option('--group <path>', 'with --merge-request: every project of this GitLab group (and its subgroups)')
    .option('--project <path or id>', 'with --merge-request: the GitLab project (default $CI_PROJECT_ID)')
    .option('--branch <name>', 'with --merge-request: the branch to push', 'catalog-upgrade')
    // biome-ignore lint/suspicious/noExplicitAny: commander's option values are untyped; each is checked before use
    .action(async (files: string[], o: Record<string, any>) => {
      if (o.to !== undefined && !TARGETS.includes(o.to))
        throw new Error(`--to ${o.to}: use one of ${TARGETS.join(', ')}`);
      if (!FORMATS.includes(o.format)) throw new Error(`--format ${o.format}: use one of ${FORMATS.join(', ')}`);
      if (!DATASOURCES.includes(o.datasource))
        throw new Error(`--datasource ${o.datasource}: use one of ${DATASOURCES.join(', ')}`);
      if (o.group && !o.mergeRequest) throw new Error('--group opens merge requests: add --merge-request');
      const options = {
        root: o.root,
        files,
        to: o.to,
        pin: o.pin,
        pinSha: o.pinSha,
        prerelease: o.prerelease,
        allowDefaultChanges: o.allowDefaultChanges,
        sources: o.source,
        datasource: o.datasource,
        serverFqdn: o.serverFqdn,
        cacheDir: o.cacheDir,
        dryRun: !!o.dryRun,
        check: !!o.check,
        format: o.format,
        verify: o.verify,
      };
      if (o.mergeRequest) {
        const { runMergeRequests } = await import('../upgrade/merge-request.js');
        const r = await runMergeRequests({ ...options, group: o.group, project: o.project, branch: o.branch });
        process.stdout.write(r.output);
        process.exitCode = r.exitCode;
        return;
      }
      const { runUpgrade } = await import('../upgrade/run.js');
      const r = await runUpgrade(options);
      process.stdout.write(r.output);
      process.exitCode = r.exitCode;
    });
}
