// GitLab's own CI JSON schema (ci.json), compiled once per process: compiling
// costs about 0.3 s, validating a document well under a millisecond.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../internal/paths.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const schemaPath = join(REPO_ROOT, 'schemas', 'gitlab-ci.json');

export interface SchemaError {
  /** JSON pointer into the validated document, e.g. `/deploy/script`. */
  readonly path: string;
  readonly message: string;
}

let compiled: ValidateFunction | undefined;

/**
 * The vendored copy predates `spec:description` (18.10) and `spec:component` (18.7);
 * GitLab accepts both, so we add them with GitLab's own limits rather than edit the vendored file.
 */
function patch(schema: Record<string, any>): Record<string, any> {
  const spec = schema.properties.spec;
  spec.properties.description = { type: 'string', maxLength: 256 };
  spec.properties.component = {
    type: 'array',
    items: { type: 'string', enum: ['name', 'sha', 'version', 'reference'] },
    uniqueItems: true,
  };
  return schema;
}

/** GitLab's CI schema as we apply it (the vendored ci.json with the patch above). */
export function ciSchema(): Record<string, any> {
  return patch(JSON.parse(readFileSync(schemaPath, 'utf8')));
}

function ciValidator(): ValidateFunction {
  if (!compiled) {
    const schema = ciSchema();
    // GitLab's own schema tests use these relaxations; strict mode rejects `markdownDescription`.
    const ajv = new Ajv({ allErrors: true, strict: false, strictTypes: false, allowUnionTypes: true, validateFormats: false });
    ajv.addKeyword('markdownDescription');
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** Ajv reports every failed branch of a oneOf/anyOf; keep the most specific ones, once each. */
function condense(errors: readonly ErrorObject[]): SchemaError[] {
  const seen = new Set<string>();
  const out: SchemaError[] = [];
  const specific = errors.filter((e) => !['anyOf', 'oneOf', 'if', 'not'].includes(e.keyword));
  const chosen = specific.length ? specific : errors;
  // An error on a parent is usually a consequence of an error on a child: report the child.
  const paths = chosen.map((e) => e.instancePath);
  for (const e of chosen) {
    if (paths.some((p) => p.startsWith(`${e.instancePath}/`))) continue;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') message = `has unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'enum') message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.instancePath || '/', message });
  }
  return out;
}

/** The one entry point: GitLab's CI schema errors for a configuration document (empty when valid). */
export function validateCiConfig(document: unknown): SchemaError[] {
  const validate = ciValidator();
  if (validate(document)) return [];
  return condense(validate.errors ?? []);
}
