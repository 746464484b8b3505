import catalog from '../../catalog.config.js';
import { defineComponent, input } from '../../src/define/index.js';
import { NPM_PACKAGE_SPEC, PROJECT_FILES } from '../../src/define/patterns.js';
import {
  codeQualityReportInput,
  imageInput,
  NODE_IMAGE,
  placementInputs,
  toolJob,
} from '../../src/define/shared-inputs.js';

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
    toolkit: input.string({
      default: '',
      regex: NPM_PACKAGE_SPEC,
      description:
        `The npm package spec of the linter; empty means this catalog at the included component's ` +
        `commit (\`git+$CI_SERVER_URL/${catalog.project}.git#<component sha>\`). Set it to a tarball URL or path ` +
        `to install from elsewhere (https:// or file://; nothing fetched without TLS: no http:// or git://).`,
    }),
    image: imageInput(NODE_IMAGE, 'The job image: Node 20 or newer, npm and git. Pin a tag or a digest.'),
  },
  jobs: ({ inputs, script }) =>
    toolJob('LINT', inputs, {
      variables: {
        CATALOG_LINT_PROJECT: catalog.project,
        CATALOG_LINT_SHA: '$[[ component.sha ]]',
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
