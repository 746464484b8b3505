// Component -> docs/components/<name>.md: what it does, inputs, usage pinned to
// the catalog's version, the IAM policy it needs, examples.
import type { Component } from '../define/component.js';
import { includePath, type CatalogConfig } from '../catalog/config.js';
import { deprecationText } from '../catalog/contract.js';
import type { SpecInput } from '../model/spec.js';
import { requirement, sampleValue } from '../gitlab/inputs.js';
import { specOf } from './render-template.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

function code(v: unknown): string {
  return `\`${cell(typeof v === 'string' ? v : JSON.stringify(v))}\``;
}

function constraint(input: SpecInput): string {
  if (input.options) return `one of ${input.options.map(code).join(', ')}`;
  if (input.regex) return `matches ${code(input.regex)}`;
  return '';
}

/**
 * GitLab expands `$NAME` in job variables (the inputs' way into the scripts) when the job runs.
 * Said on every page because it silently changes values such as passwords (`pa$word$$1` -> `pa$1`).
 */
export const VALUES_NOTE = [
  'Input values reach the job as job variables, where GitLab expands `$NAME` and `${NAME}` when the job runs:',
  'that is how `$CI_COMMIT_SHA` or a CI/CD variable such as `$AWS_ROLE_ARN` works in a value. Write `$$` for a',
  'literal `$`. Inputs whose description says they are taken literally are passed with `expand: false`.',
  'The job checks every value before using it: an option-like value (`-...`), a `file://`/`fileb://`/`http(s)://`',
  'value the AWS CLI would read, a number that is not a whole number or a line break bound for the dotenv',
  'report fails the job, naming the input, before anything changes.',
].join('\n');

export function inputsTable(c: Component): string {
  const rows = Object.entries(specOf(c).inputs ?? {}).map(([name, input]) => {
    const required = { required: 'yes', optional: 'no', conditional: 'when its `rules` give no default' }[
      requirement(input)
    ];
    const def = input.default === undefined ? '' : code(input.default);
    return (
      `| \`${name}\` | ${input.type ?? 'string'} | ${required} | ${def} | ${constraint(input)} | ` +
      `${cell(input.description ?? '')} |`
    );
  });
  return ['| Input | Type | Required | Default | Allowed | Description |', '|---|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}

export function usageSnippet(c: Component, catalog: CatalogConfig): string {
  const required = Object.entries(c.inputs).filter(([, d]) => requirement(d) === 'required' && !d.deprecated);
  const lines = ['include:', `  - component: ${includePath(catalog, c.name)}`];
  if (required.length) {
    lines.push('    inputs:');
    for (const [name, d] of required) lines.push(`      ${name}: ${JSON.stringify(sampleValue(d, d.example))}`);
  }
  return lines.join('\n');
}

export function renderDocs(c: Component, catalog: CatalogConfig): string {
  const parts = [
    `<!-- Generated from ${c.file} by \`npm run catalog -- build\`. Do not edit. -->`,
    `# ${c.name}`,
    '',
    c.description,
    '',
    ...(c.deprecated ? [`> **Deprecated**: ${deprecationText(c.deprecated, 'component')}.`, ''] : []),
    '## Usage',
    '',
    '```yaml',
    usageSnippet(c, catalog),
    '```',
    '',
  ];
  if (c.readme) parts.push(c.readme.trim(), '');
  parts.push('## Inputs', '', inputsTable(c), '', VALUES_NOTE, '');
  if (c.policy !== undefined) {
    parts.push(
      '## IAM policy',
      '',
      'The role the job assumes needs exactly these permissions (from `policy.json` beside the definition); ' +
        'scope the resources to yours.',
      '',
      '```json',
      JSON.stringify(c.policy, null, 2),
      '```',
      '',
      // What the emulator can and cannot prove about this policy (src/harness/README.md, "IAM enforcement").
      "The catalog's scenarios run every job with exactly this policy under the AWS emulator's IAM enforcement, " +
        'so a missing action fails them. The emulator checks actions, and resources for S3 only: the scoping of ' +
        'the other resources and every `Condition` are not tested there; review them when you adapt the policy.',
      '',
    );
  }
  if (c.examples.length) {
    parts.push('## Examples', '');
    for (const e of c.examples) {
      parts.push(
        `### ${e.title}`,
        '',
        '```yaml',
        e.yaml.replaceAll('@VERSION', `@${catalog.version}`).trim(),
        '```',
        '',
      );
    }
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

export function docsPath(c: Component): string {
  return `docs/components/${c.name}.md`;
}
