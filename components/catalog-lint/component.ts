import catalog from '../../catalog.config.js';
import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { imageInput, placementInputs, toolJob } from '../../src/define/shared-inputs.js';

/** Node with git (npm fetches the toolkit from git) and the Node version the toolkit is tested on. */
export const NODE_IMAGE = 'node:20.19.0-bookworm';

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
      regex: '^([A-Za-z0-9_.][A-Za-z0-9_./*-]*( +[A-Za-z0-9_.][A-Za-z0-9_./*-]*)*)?$',
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
    report: input.string({
      default: 'gl-code-quality-report.json',
      regex: '^[A-Za-z0-9_.][A-Za-z0-9_./-]*\\.json$',
      description:
        'Where the Code Quality report is written (a `.json` path in the project); GitLab shows it in merge requests.',
    }),
    toolkit: input.string({
      default: '',
      regex: '^([A-Za-z0-9_.+@:/#$%{}=-][A-Za-z0-9_.+@:/#$%{}=~-]*)?$',
      description:
        `The npm package spec of the linter; empty means this catalog at the included component's ` +
        `commit (\`git+$CI_SERVER_URL/${catalog.project}.git#<component sha>\`). Set it to a tarball URL or path ` +
        `to install from elsewhere.`,
    }),
    image: imageInput(NODE_IMAGE, 'The job image: Node 20 or newer, npm and git. Pin a tag or a digest.'),
  },
  jobs: ({ inputs, script }) =>
    toolJob(inputs, {
      variables: {
        ...inputVariables('LINT', inputs, ['files', 'security', 'report', 'toolkit']),
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
