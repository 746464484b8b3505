import { toolkitInputs, toolkitVariables } from '../_shared/toolkit.js';
import { defineComponent, input } from '../../src/define/index.js';
import { PROJECT_FILES } from '../../src/define/patterns.js';
import { codeQualityReportInput, placementInputs, toolJob } from '../../src/define/shared-inputs.js';

export default defineComponent({
  name: 'catalog-lint',
  source: import.meta.url,
  description:
    "Lint the project's pipeline offline with GitLab's rules (and security checks), with a Code Quality report " +
    "in merge requests; the linter is this catalog's, at the component's commit.",
  componentFields: ['sha'],
  inputs: {
    ...placementInputs({ stage: 'test', jobName: 'catalog-lint' }),
    files: input.string({
      default: '',
      regex: PROJECT_FILES,
      description:
        'Space-separated files to lint, relative to the project root; empty lints `.gitlab-ci.yml` and every ' +
        'component template under `templates/`. No file may start with `-`.',
    }),
    security: input.boolean({
      default: true,
      description:
        'Also run the security checks (`catalog lint --security`): inputs in scripts, unpinned components and ' +
        'images, `CI_DEBUG_TRACE`, `curl | sh`, credentials in `variables:`, broad `id_tokens` audiences and IAM ' +
        'trust policies.',
    }),
    report: codeQualityReportInput(),
    ...toolkitInputs('linter'),
  },
  jobs: ({ inputs, script }) =>
    toolJob('LINT', inputs, {
      variables: {
        ...toolkitVariables('CATALOG_LINT'),
      },
      // The toolkit is installed once per component commit and reused from the cache.
      cache: { key: 'catalog-lint-$[[ component.sha ]]', paths: ['.catalog-lint/'] },
      script: [script('lint.sh')],
      artifacts: {
        when: 'always',
        paths: [inputs.report],
        reports: { codequality: inputs.report },
      },
    }),
});
