import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { imageInput, placementInputs, toolJob } from '../../src/define/shared-inputs.js';

/** Debian's Python with bash: the job installs the pinned cfn-lint into it (cached per version). */
const PYTHON_IMAGE = 'python:3.12.8-slim-bookworm';

export default defineComponent({
  name: 'cfn-lint',
  source: import.meta.url,
  description:
    'Check CloudFormation templates with cfn-lint (pinned, from PyPI) before they are deployed, with the ' +
    "findings in the merge request's Code Quality widget.",
  inputs: {
    ...placementInputs({ stage: 'test', jobName: 'cfn-lint' }),
    templates: input.string({
      default: 'template.yaml',
      regex: '^[A-Za-z0-9_.*][A-Za-z0-9_./*{}, -]*$',
      description:
        'The templates, relative to the project root: paths or globs (`**` for any depth) separated by commas, ' +
        'e.g. `infra/**/*.yaml, cdk.out/*.template.json`.',
    }),
    regions: input.string({
      default: 'us-east-1',
      regex: '^(ALL_REGIONS|[a-z]{2}(-[a-z]+)+-[0-9]+)([ ,]+[a-z]{2}(-[a-z]+)+-[0-9]+)*$',
      description:
        'Regions whose resource specifications the templates are checked against (comma-separated), or `ALL_REGIONS`.',
    }),
    'ignore-checks': input.string({
      default: '',
      regex: '^([A-Z][0-9]{4}([ ,]+[A-Z][0-9]{4})*)?$',
      description:
        'cfn-lint rule ids not to report, e.g. `W3005, E3012` (or use `Metadata: cfn-lint: config: ' +
        'ignore_checks` in a template).',
    }),
    'fail-on': input.string({
      default: 'error',
      options: ['error', 'warning', 'never'],
      description:
        'The job fails on an error finding (`error`), also on a warning (`warning`), or never (findings still ' +
        'reach the report).',
    }),
    report: input.string({
      default: 'gl-code-quality-report.json',
      regex: '^[A-Za-z0-9_.][A-Za-z0-9_./-]*\\.json$',
      description:
        'Where the Code Quality report is written (a `.json` path in the project); GitLab shows it in merge requests.',
    }),
    'cfn-lint-version': input.string({
      default: '1.58.0',
      regex: '^[0-9]+\\.[0-9]+\\.[0-9]+$',
      description:
        "The cfn-lint release (PyPI) to run: the image's own when it has that version, otherwise installed into " +
        "the job's cache.",
    }),
    image: imageInput(PYTHON_IMAGE, 'The job image: Python 3.9+ with venv and pip, and bash. Pin a tag or a digest.'),
  },
  jobs: ({ inputs, script }) =>
    toolJob(inputs, {
      variables: inputVariables('LINT', inputs, [
        'templates',
        'regions',
        'ignore-checks',
        'fail-on',
        'report',
        'cfn-lint-version',
      ]),
      // cfn-lint is installed once per version and reused from the cache.
      cache: { key: 'cfn-lint-$[[ inputs.cfn-lint-version ]]', paths: ['.cfn-lint/'] },
      script: [script('lint.sh')],
      artifacts: { when: 'always', paths: [inputs.report], reports: { codequality: inputs.report } },
    }),
});
