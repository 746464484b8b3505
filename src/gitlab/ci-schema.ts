// GitLab's own CI JSON schema (ci.json). Compiling it with Ajv costs about 0.3-0.7 s, too much
// for a one-shot `catalog lint`, so the build precompiles it with Ajv's standalone code into
// schemas/gitlab-ci.validate.cjs (generated, committed, covered by `build --check`); this module
// loads that file and compiles at run time only when it is missing (the very first build).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '../internal/paths.js';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { problem, type Problem } from '../internal/problem.js';

const schemaPath = join(REPO_ROOT, 'schemas', 'gitlab-ci.json');
/** Project-relative path of the precompiled validator. */
export const CI_VALIDATOR_FILE = 'schemas/gitlab-ci.validate.cjs';

let compiled: ValidateFunction | undefined;
const SCHEMA_FIX = "match GitLab's CI schema (ci.json) for this keyword";

function pointerToPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The CLI bundle links the precompiled validator into itself (scripts/bundle-cli.mjs injects this). */
declare const __catalogCiValidator: (() => ValidateFunction) | undefined;

/**
 * The vendored copy predates `spec:description` (18.10) and `spec:component` (18.7);
 * GitLab accepts both, so we add them with GitLab's own limits rather than edit the vendored file.
 */
type JsonSchema = Record<string, unknown> & { properties: Record<string, { properties: Record<string, unknown> }> };

function patch(schema: JsonSchema): JsonSchema {
  const spec = schema.properties.spec!;
  spec.properties.description = { type: 'string', maxLength: 256 };
  spec.properties.component = {
    type: 'array',
    items: { type: 'string', enum: ['name', 'sha', 'version', 'reference'] },
    uniqueItems: true,
  };
  return schema;
}

/** GitLab's CI schema as we apply it (the vendored ci.json with the patch above). */
export function ciSchema(): Record<string, unknown> {
  return patch(JSON.parse(readFileSync(schemaPath, 'utf8')) as JsonSchema);
}

/** GitLab's own schema tests use these relaxations; strict mode rejects `markdownDescription`. */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  strict: false,
  strictTypes: false,
  allowUnionTypes: true,
  validateFormats: false,
};
export const AJV_KEYWORDS: readonly string[] = ['markdownDescription'];

export function ciValidator(): ValidateFunction {
  if (!compiled) {
    const precompiled = join(REPO_ROOT, CI_VALIDATOR_FILE);
    if (typeof __catalogCiValidator === 'function') compiled = __catalogCiValidator();
    else if (existsSync(precompiled)) compiled = createRequire(import.meta.url)(precompiled) as ValidateFunction;
    else {
      const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
      const ajv = new Ajv(AJV_OPTIONS);
      for (const k of AJV_KEYWORDS) ajv.addKeyword(k);
      compiled = ajv.compile(ciSchema());
    }
  }
  return compiled;
}

/** Ajv reports every failed branch of a oneOf/anyOf; keep the most specific ones, once each. */
function condense(errors: readonly ErrorObject[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  const specific = errors.filter((e) => !['anyOf', 'oneOf', 'if', 'not'].includes(e.keyword));
  const chosen = specific.length ? specific : errors;
  // An error on a parent is usually a consequence of an error on a child: report the child.
  const paths = chosen.map((e) => e.instancePath);
  for (const e of chosen) {
    if (paths.some((p) => p.startsWith(`${e.instancePath}/`))) continue;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties')
      message = `has unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const key = `${e.instancePath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem('ci-schema', message, { path: pointerToPath(e.instancePath).join('.'), fix: SCHEMA_FIX }));
  }
  return out;
}

/**
 * The one entry point: GitLab's CI schema problems for a configuration document (none when valid).
 * Each problem's `path` is the offending key path joined with dots, e.g. `deploy.script`.
 */
export function validateCiConfig(document: unknown): Problem[] {
  const validate = ciValidator();
  if (validate(document)) return [];
  return condense(validate.errors ?? []);
}
