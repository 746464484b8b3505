import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { imageInput, placementInputs, toolJob } from '../../src/define/shared-inputs.js';

/** Debian's Python with bash: the job installs the pinned checkov and cfn-lint into it (cached). */
export const PYTHON_IMAGE = 'python:3.12.8-slim-bookworm';

/**
 * Paths relative to the project: no leading `-` (an option to checkov), no `:` (no URLs), no `..`-free check here (the
 * script refuses `..`).
 */
export const PATHS = '^[A-Za-z0-9_.][A-Za-z0-9_./ ,-]*$';
const VERSION = '^[0-9]+\\.[0-9]+\\.[0-9]+$';
/** Severity thresholds, highest first; `none` only reports. */
export const FAIL_ON = ['critical', 'high', 'medium', 'low', 'info', 'none'] as const;

export default defineComponent({
  name: 'iac-scan',
  source: import.meta.url,
  description:
    'Scan Terraform/OpenTofu, CloudFormation, CDK output, Kubernetes manifests and Dockerfiles with checkov and ' +
    'cfn-lint: one GitLab SAST report with real severities, Code Quality, suppressions with reasons, a ' +
    'failing threshold.',
  inputs: {
    ...placementInputs({ stage: 'test', jobName: 'iac-scan' }),
    paths: input.string({
      default: '.',
      regex: PATHS,
      description:
        "Folders (or files) to scan, relative to the project root, separated by commas or spaces. CDK's " +
        'synthesized templates (`cdk.out/`, passed as an artifact) are scanned as CloudFormation when they are ' +
        'under one of them.',
    }),
    frameworks: input.string({
      default: 'terraform,cloudformation,kubernetes,dockerfile',
      regex: '^[a-z_]+( *, *[a-z_]+)*$',
      description:
        'checkov frameworks to run, comma-separated (`terraform`, `terraform_plan` for `tofu show -json` output, ' +
        '`cloudformation`, `kubernetes`, `helm`, `dockerfile`, `serverless`, ...).',
    }),
    'cfn-lint': input.boolean({
      default: true,
      description:
        'Also run cfn-lint on every CloudFormation template found (template errors that would fail the deploy, ' +
        'and its security rules).',
    }),
    'fail-on': input.string({
      default: 'high',
      options: [...FAIL_ON],
      description: 'Fail the job when an unsuppressed finding has this severity or a higher one; `none` only reports.',
    }),
    suppressions: input.string({
      default: '.iac-scan.yml',
      regex: '^[A-Za-z0-9_.][A-Za-z0-9_./-]*$',
      description:
        'The suppressions file (YAML, optional): entries with `id`, optional `path` (a glob) and `expires` ' +
        '(YYYY-MM-DD), and a required `reason`. Inline `checkov:skip=ID:reason` comments count only with a reason.',
    }),
    'checkov-version': input.string({
      default: '3.3.30',
      regex: VERSION,
      description: "The checkov release (PyPI) to run; installed into the job's cache unless the image has it.",
    }),
    'cfn-lint-version': input.string({
      default: '1.58.0',
      regex: VERSION,
      description: "The cfn-lint release (PyPI) to run; installed into the job's cache unless the image has it.",
    }),
    image: imageInput(PYTHON_IMAGE, 'The job image: Python 3.9+ with pip and bash. Pin a tag or a digest.'),
  },
  jobs: ({ inputs, script }) =>
    toolJob(inputs, {
      variables: {
        ...inputVariables('IAC', inputs, [
          'paths',
          'frameworks',
          'cfn-lint',
          'fail-on',
          'suppressions',
          'checkov-version',
          'cfn-lint-version',
        ]),
      },
      // The tools are installed once per pair of versions and reused from the cache.
      cache: { key: 'iac-scan-$[[ inputs.checkov-version ]]-$[[ inputs.cfn-lint-version ]]', paths: ['.iac-scan/'] },
      script: [script('scan.sh')],
      artifacts: {
        when: 'always',
        paths: ['gl-sast-report.json', 'gl-code-quality-report.json'],
        reports: { sast: 'gl-sast-report.json', codequality: 'gl-code-quality-report.json' },
      },
    }),
});
