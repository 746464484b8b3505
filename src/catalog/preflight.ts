// Publish preflight: the checks GitLab runs when a release is published to the CI/CD Catalog,
// run before tagging, each reported with GitLab's own text. Sources (gitlab-org/gitlab):
//   app/services/ci/catalog/resources/release_service.rb         (the order: access, validate, create)
//   app/services/ci/catalog/resources/validate_service.rb        (README, description, components)
//   app/services/ci/catalog/resources/versions/create_service.rb (catalog resource, version validity)
//   app/services/ci/catalog/resources/versions/build_components_service.rb (limit, component errors)
//   app/models/ci/catalog/components_project.rb                  (TEMPLATE_PATH_REGEX, COMPONENTS_LIMIT = 100)
//   app/models/ci/catalog/resources/component.rb                 (spec validated by the JSON schema below)
//   app/validators/json_schemas/catalog_resource_component_spec.json, app/validators/json_schema_validator.rb
//   app/models/concerns/semantic_versionable.rb                  ("must follow semantic version")
// Not checkable offline, so left to GitLab: "Project is not a catalog resource", "You are not
// authorized to publish a version to the CI/CD catalog", "Release has already been published"
// (checked locally against git tags instead), and "Published by must be the same as the release author".
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { REPO_ROOT } from '../internal/paths.js';
import type { Problem } from '../internal/problem.js';
import type { ProblemCode } from '../internal/problem.js';
import { MAX_COMPONENTS } from '../generate/build.js';
import { TEMPLATE_PATH } from '../gitlab/includes/resolve.js';
import { jobsOf } from '../gitlab/jobs.js';
import { lint } from '../validate/lint/index.js';
import { MAX_INPUTS } from '../gitlab/inputs.js';
import { parseCi } from '../gitlab/yaml.js';
import { isCatalogVersion, SEMVER_ERROR } from './semver.js';

export const COMPONENTS_LIMIT = MAX_COMPONENTS;
export const INPUTS_LIMIT = MAX_INPUTS;

export const GITLAB_TEXT = {
  readme: 'Project must have a README',
  description: 'Project must have a description',
  components: 'Project must contain components. Ensure you are using the correct directory structure',
  limit: `Release cannot contain more than ${COMPONENTS_LIMIT} components`,
  spec: 'Build component error: Spec must be a valid json schema',
  semver: SEMVER_ERROR,
} as const;

let specValidator: ValidateFunction | undefined;

/**
 * GitLab's component spec schema. The vendored copy predates `spec:description` (18.10) and
 * `spec:component` (18.7), which GitLab accepts, and the 500-input limit (MR 264013, `maxProperties`).
 */
function validateSpec(): ValidateFunction {
  if (!specValidator) {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'gitlab-catalog-component-spec.json'), 'utf8'));
    schema.properties.description = { type: 'string' };
    schema.properties.component = { type: 'array' };
    schema.properties.inputs.maxProperties = INPUTS_LIMIT;
    specValidator = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
  }
  return specValidator;
}

function listFiles(root: string, dir: string): string[] {
  const full = join(root, dir);
  if (!existsSync(full)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(full);
  return out.sort();
}

/** Why GitLab's schema rejects a spec, in words, for the fix. */
function explainSpec(
  spec: Record<string, unknown>,
  errors: readonly { instancePath: string; keyword: string; message?: string }[],
): string {
  const inputs = spec.inputs;
  if ('inputs' in spec && (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)))
    return '`spec:inputs` is empty or not a mapping: write `spec:` with nothing under it, or declare inputs';
  if (inputs && typeof inputs === 'object' && Object.keys(inputs).length > INPUTS_LIMIT)
    return (
      `the component declares ${Object.keys(inputs).length} inputs; GitLab publishes at most ` +
      `${INPUTS_LIMIT}: split the component`
    );
  const e = errors[0];
  if (e && /\/default$/.test(e.instancePath))
    return (
      `${e.instancePath.replace(/^\/inputs\//, 'input `').replace(/\/default$/, '`')}: GitLab's catalog ` +
      `accepts only an array, boolean, integer or string default (a fractional number is rejected at publish ` +
      `time): use a whole number or a string`
    );
  const unknown = errors.find((x) => x.keyword === 'additionalProperties');
  if (unknown)
    return 'the `spec:` header has a key GitLab does not publish: keep only `inputs`, `component` and `description`';
  return errors.map((x) => `${x.instancePath || 'spec'} ${x.message}`).join('; ');
}

export interface PreflightOptions {
  /** The tag being released, checked as GitLab checks it. */
  readonly tag?: string;
  /** The catalog's GitLab project path (catalog.config.ts), for its own component includes. */
  readonly projectPath?: string;
  /** The GitLab project's description; in CI, `$CI_PROJECT_DESCRIPTION`. */
  readonly description: string;
  /** Where the description was taken from, for the message. */
  readonly descriptionSource: string;
  /**
   * The files a release is about to write (project-relative path -> content), checked instead
   * of the disk; `templates/` is then exactly what the build generates.
   */
  readonly planned?: ReadonlyMap<string, string>;
}

/** Every publish rule GitLab applies to the files at this checkout, with GitLab's texts. */
export function preflight(root: string, o: PreflightOptions): Problem[] {
  const problems: Problem[] = [];
  const add = (code: ProblemCode, message: string, fix: string, where: Partial<Problem> = {}) =>
    problems.push({ code, severity: 'error', message, fix, ...where });
  const warn = (code: ProblemCode, message: string, fix: string, where: Partial<Problem> = {}) =>
    problems.push({ code, severity: 'warning', message, fix, ...where });

  const planned = o.planned;
  const read = (f: string): string => planned?.get(f) ?? readFileSync(join(root, f), 'utf8');
  // validate_service.rb: blob_data_at(ref, 'README.md'): the exact name, at the root.
  if (
    !planned?.has('README.md') &&
    !(existsSync(root) && readdirSync(root).includes('README.md') && statSync(join(root, 'README.md')).isFile())
  ) {
    add('publish-readme', GITLAB_TEXT.readme, 'add a README.md (exactly that name) at the root of the repository', {
      file: 'README.md',
    });
  }
  if (!o.description.trim()) {
    add(
      'publish-description',
      GITLAB_TEXT.description,
      `set the project description in GitLab (Settings > General) and in catalog.config.ts; it was read from ` +
        `${o.descriptionSource}`,
      { file: 'catalog.config.ts' },
    );
  }

  const files = planned
    ? [...planned.keys()].filter((f) => f.startsWith('templates/')).sort()
    : listFiles(root, 'templates');
  const components = files.filter((f) => TEMPLATE_PATH.test(f));
  for (const f of files.filter((x) => !TEMPLATE_PATH.test(x) && /\.ya?ml$/.test(x))) {
    warn(
      'publish-layout',
      'is not published as a component: GitLab reads only templates/<name>.yml and templates/<name>/template.yml ' +
        '(`.yaml` and deeper folders are ignored)',
      'rename or move it, or remove it',
      { file: f },
    );
  }
  if (!components.length)
    add(
      'publish-components',
      GITLAB_TEXT.components,
      'put each component at templates/<name>.yml or templates/<name>/template.yml (run `npm run catalog -- build`)',
      { file: 'templates/' },
    );
  if (components.length > COMPONENTS_LIMIT)
    add(
      'publish-component-limit',
      GITLAB_TEXT.limit,
      `this release has ${components.length}; move some components to a second catalog project`,
      { file: 'templates/' },
    );
  const names = new Map<string, string>();
  for (const f of components) {
    const name = TEMPLATE_PATH.exec(f)![1]!;
    if (names.has(name))
      warn(
        'publish-layout',
        `component "${name}" exists as both ${names.get(name)} and ${f}; GitLab uses the single file and ` +
          `ignores the folder`,
        'keep one of them',
        { file: f, component: name },
      );
    names.set(name, f);
    const parsed = parseCi(f, read(f));
    if (!parsed.ok) {
      add('publish-spec', `Build component error: ${parsed.problems[0]!.message}`, "fix the template's YAML", {
        file: f,
        component: name,
      });
      continue;
    }
    const spec = (parsed.value.header?.spec ?? {}) as Record<string, unknown>;
    const v = validateSpec();
    if (!v(spec))
      add('publish-spec', GITLAB_TEXT.spec, explainSpec(spec, v.errors ?? []), {
        file: f,
        component: name,
        path: (v.errors?.[0]?.instancePath ?? '').slice(1).replaceAll('/', '.') || 'spec',
      });
  }

  if (o.tag !== undefined && !isCatalogVersion(o.tag)) {
    add(
      'publish-semver',
      GITLAB_TEXT.semver,
      `tag "${o.tag}" is not a semantic version: use MAJOR.MINOR.PATCH, e.g. 1.2.3 or 1.2.3-rc.1 (an optional ` +
        `leading "v" is accepted)`,
    );
  }

  problems.push(...checkReleaseJob(root, o.tag && isCatalogVersion(o.tag) ? o.tag : '1.0.0', o.projectPath));
  return problems;
}

/**
 * GitLab publishes a version only when the release is created by a job's `release:` keyword
 * (or `glab release create --publish-to-catalog` in a job); a release from the API or the UI is
 * not published, silently. The pipeline is read with our linter, as GitLab builds it for the tag.
 */
export function checkReleaseJob(root: string, tag: string, projectPath?: string): Problem[] {
  const file = '.gitlab-ci.yml';
  const fix =
    'add a job on tag pipelines with `release: { tag_name: $CI_COMMIT_TAG, description: ... }` (see ' +
    'docs/release-history.md)';
  if (!existsSync(join(root, file)))
    return [
      {
        code: 'publish-release-job',
        severity: 'error',
        file,
        message:
          'is missing, so no job can create the release; GitLab publishes to the CI/CD Catalog only releases ' +
          "created by a job's `release:` keyword",
        fix,
      },
    ];
  const [result] = lint([file], {
    cwd: root,
    ...(projectPath ? { projectPath } : {}),
    variables: { CI_COMMIT_TAG: tag, CI_COMMIT_REF_NAME: tag, CI_PIPELINE_SOURCE: 'push' },
  });
  const errors = (result?.problems ?? []).filter((p) => p.severity === 'error');
  if (!result || errors.length)
    return [
      {
        code: 'publish-release-job',
        severity: 'error',
        file,
        message: `is not valid for GitLab, so the tag pipeline cannot release: ${errors[0]?.message ?? 'unreadable'}`,
        fix: 'run `npm run catalog -- lint .gitlab-ci.yml` and fix what it reports',
      },
    ];
  const releasing = jobsOf(result.merged ?? {}).filter(([, job]) => {
    if (job.release && typeof job.release === 'object') return true;
    const script = ([] as unknown[]).concat(job.script ?? []).join('\n');
    return /\bglab\s+release\s+create\b[^\n]*--publish-to-catalog/.test(script);
  });
  if (!releasing.length)
    return [
      {
        code: 'publish-release-job',
        severity: 'error',
        file,
        message:
          'has no job that creates the release with the `release:` keyword (or `glab release create ' +
          '--publish-to-catalog`); GitLab publishes to the CI/CD Catalog only releases created that way',
        fix,
      },
    ];
  return [];
}
