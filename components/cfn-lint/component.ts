import { defineComponent, input } from '../../src/define/index.js';
import {
  codeQualityReportInput,
  placementInputs,
  pythonToolImageInput,
  toolJob,
  toolVersionInput,
} from '../../src/define/shared-inputs.js';

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
    report: codeQualityReportInput(),
    'cfn-lint-version': toolVersionInput(
      '1.58.0',
      "The cfn-lint release (PyPI) to run: the image's own when it has that version, otherwise installed into " +
        "the job's cache.",
    ),
    image: pythonToolImageInput(),
  },
  jobs: ({ inputs, script }) =>
    toolJob('LINT', inputs, {
      // cfn-lint is installed once per version and reused from the cache.
      cache: { key: 'cfn-lint-$[[ inputs.cfn-lint-version ]]', paths: ['.cfn-lint/'] },
      script: [script('lint.sh')],
      artifacts: { when: 'always', paths: [inputs.report], reports: { codequality: inputs.report } },
    }),
});
