import { toolkitInputs, toolkitVariables } from '../_shared/toolkit.js';
import { defineComponent, input } from '../../src/define/index.js';
import { PROJECT_FILES } from '../../src/define/patterns.js';
import { placementInputs, toolJob } from '../../src/define/shared-inputs.js';

export default defineComponent({
  name: 'catalog-upgrade',
  source: import.meta.url,
  description:
    "Keep the project's component pins current and safe: a scheduled job that checks every newer version against " +
    'the inputs the project passes, then opens (or updates) one merge request with the upgrades.',
  componentFields: ['sha'],
  inputs: {
    ...placementInputs({ stage: '.pre', jobName: 'catalog-upgrade' }),
    mode: input.string({
      default: 'merge-request',
      options: ['merge-request', 'check', 'dry-run'],
      description:
        '`merge-request`: push the upgrades to a branch and open or update a merge request (needs the ' +
        '`GITLAB_TOKEN` variable); `check`: fail the job when upgrades are available; `dry-run`: print the diff.',
    }),
    to: input.string({
      default: 'minor',
      options: ['patch', 'minor', 'major', 'latest'],
      description:
        'How far a pin may move: within its minor (`patch`), its major (`minor`), to the next major (`major`) or ' +
        'to any newer release (`latest`). Every version is still checked against the inputs this project passes.',
    }),
    pin: input.boolean({
      default: false,
      description: 'Also pin partial (`@1`, `@1.2`), `~latest` and branch references to an exact version.',
    }),
    'pin-sha': input.boolean({ default: false, description: 'Write pins as `<commit SHA> # v<version>`.' }),
    'allow-default-changes': input.boolean({
      default: false,
      description: 'A changed default that the project relies on is reported instead of blocking the upgrade.',
    }),
    files: input.string({
      default: '',
      regex: PROJECT_FILES,
      description:
        'Space-separated pipeline files to start from, relative to the project root; empty means ' +
        '`.gitlab-ci.yml` (local files it includes are always followed). No file may start with `-`.',
    }),
    sources: input.string({
      default: '',
      regex:
        '^(\\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9.:-]+/[A-Za-z0-9_./-]+=[A-Za-z0-9_.:/@~+-]+( ' +
        '+[A-Za-z0-9.:-]+/[A-Za-z0-9_./-]+=[A-Za-z0-9_.:/@~+-]+)*)?$',
      description:
        'Space-separated `<host>/<project path>=<git URL>` entries for component projects whose repository is ' +
        'not `https://<host>/<project path>.git`, or a `$VARIABLE` that holds them.',
    }),
    branch: input.string({
      default: 'catalog-upgrade',
      regex: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$',
      description:
        'The branch the upgrades are pushed to; one branch, so a schedule updates its merge request instead of ' +
        'opening another.',
    }),
    ...toolkitInputs('toolkit'),
  },
  jobs: ({ inputs, script }) =>
    toolJob('UPGRADE', inputs, {
      variables: {
        ...toolkitVariables('CATALOG_UPGRADE'),
      },
      // Component projects' mirrors and the toolkit are reused between scheduled runs.
      cache: { key: 'catalog-upgrade-$[[ component.sha ]]', paths: ['.catalog-upgrade/', '.cache/includes/git/'] },
      script: [script('upgrade.sh')],
    }),
});
