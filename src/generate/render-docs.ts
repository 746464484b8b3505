// Component -> docs/components/<name>.md: what it does, inputs, usage pinned to
// the catalog's version, the IAM policy it needs, examples.
import type { Component } from '../define/component.js';
import { includePath, type CatalogConfig } from '../catalog/config.js';
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

export function inputsTable(c: Component): string {
  const rows = Object.entries(specOf(c).inputs ?? {}).map(([name, input]) => {
    const required = { required: 'yes', optional: 'no', conditional: 'when its `rules` give no default' }[requirement(input)];
    const def = input.default === undefined ? '' : code(input.default);
    return `| \`${name}\` | ${input.type ?? 'string'} | ${required} | ${def} | ${constraint(input)} | ${cell(input.description ?? '')} |`;
  });
  return ['| Input | Type | Required | Default | Allowed | Description |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

export function usageSnippet(c: Component, catalog: CatalogConfig): string {
  const required = Object.entries(c.inputs).filter(([, d]) => requirement(d) === 'required');
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
    '## Usage',
    '',
    '```yaml',
    usageSnippet(c, catalog),
    '```',
    '',
  ];
  if (c.readme) parts.push(c.readme.trim(), '');
  parts.push('## Inputs', '', inputsTable(c), '');
  if (c.policy !== undefined) {
    parts.push(
      '## IAM policy',
      '',
      'The role the job assumes needs exactly these permissions (from `policy.json` beside the definition); scope the resources to yours.',
      '',
      '```json',
      JSON.stringify(c.policy, null, 2),
      '```',
      '',
    );
  }
  if (c.examples.length) {
    parts.push('## Examples', '');
    for (const e of c.examples) {
      parts.push(`### ${e.title}`, '', '```yaml', e.yaml.replaceAll('@VERSION', `@${catalog.version}`).trim(), '```', '');
    }
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

export function docsPath(c: Component): string {
  return `docs/components/${c.name}.md`;
}
