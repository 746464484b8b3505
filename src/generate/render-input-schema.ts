// A JSON Schema for `include: inputs:` of each component, for editors (yaml-language-server)
// and our linter. It describes what GitLab accepts, not only what the docs suggest.
import type { Component } from '../define/component.js';
import { requirement } from '../gitlab/inputs.js';
import type { SpecInput } from '../model/spec.js';
import { specOf } from './render-template.js';

function inputSchema(i: SpecInput): Record<string, unknown> {
  const type = i.type ?? 'string';
  const s: Record<string, unknown> = { description: i.description };
  if (type === 'array') s.type = 'array';
  else s.type = type;
  if (i.options && type !== 'array') s.enum = i.options;
  if (i.options && type === 'array') s.items = { enum: i.options };
  // RE2 and ECMAScript agree on the subset the spec checks allow.
  if (i.regex) s.pattern = i.regex;
  if (i.default !== undefined) s.default = i.default;
  return s;
}

export function renderInputSchema(c: Component, schemaId: string): string {
  const spec = specOf(c);
  const inputs = spec.inputs ?? {};
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: schemaId,
    title: `Inputs of the ${c.name} component`,
    description: c.description,
    type: 'object',
    additionalProperties: false,
    required: Object.entries(inputs)
      .filter(([, i]) => requirement(i) === 'required')
      .map(([n]) => n),
    properties: Object.fromEntries(Object.entries(inputs).map(([n, i]) => [n, inputSchema(i)])),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

export function inputSchemaPath(c: Component): string {
  return `schemas/inputs/${c.name}.schema.json`;
}
