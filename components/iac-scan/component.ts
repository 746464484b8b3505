import { defineComponent, input } from '../../src/define/index.js';
import { projectPath } from '../../src/define/patterns.js';
import { placementInputs, pythonToolImageInput, toolJob, toolVersionInput } from '../../src/define/shared-inputs.js';
import cfnLint from '../cfn-lint/component.js';

/**
 * Paths relative to the project: no leading `-` (an option to checkov), no `:` (no URLs), no `..`-free check here (the
 * script refuses `..`).
 */
export const PATHS = '^[A-Za-z0-9_.][A-Za-z0-9_./ ,-]*$';
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
      regex: projectPath(),
      description:
        'The suppressions file (YAML, optional): entries with `id`, optional `path` (a glob) and `expires` ' +
        '(YYYY-MM-DD), and a required `reason`. Inline `checkov:skip=ID:reason` comments count only with a reason.',
    }),
    'checkov-version': toolVersionInput(
      '3.3.30',
      "The checkov release (PyPI) to run; installed into the job's cache unless the image has it.",
    ),
    // One pin for cfn-lint in the catalog: cfn-lint's own.
    'cfn-lint-version': cfnLint.inputs['cfn-lint-version'],
    // scan.sh installs checkov and cfn-lint into a virtualenv, as cfn-lint's job does.
    image: pythonToolImageInput(),
  },
  jobs: ({ inputs, script }) =>
    toolJob('IAC', inputs, {
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
