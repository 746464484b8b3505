// Resource group and environment keys against GitLab's rule, including the two cases that
// silently dropped deploy locks: s3-site's empty-prefix default and ecs-deploy with a cluster ARN.
import { describe, expect, it } from 'vitest';
import { input } from '../define/input.js';
import { orVariable } from '../define/patterns.js';
import { loadComponents } from '../generate/load.js';
import { specOf } from '../generate/render-template.js';
import { REPO_ROOT } from '../internal/paths.js';
import type { Spec } from '../model/spec.js';
import { checkKeys, keyProblem } from './key-checks.js';

const where = { component: 'x', file: 'components/x/component.ts' };

describe('keyProblem (Gitlab::Regex.environment_name_regex, 255 characters)', () => {
  it.each([
    ['s3-site/www-example-com/docs', undefined],
    ['review/$CI_COMMIT_REF_SLUG', undefined],
    ['s3-site/www-example-com/', 'ends with "/"'],
    ['/production', 'starts with "/"'],
    ['ecs-deploy/arn:aws:ecs:us-east-1:123456789012:cluster/prod/web', 'contains ":"'],
    ['x'.repeat(256), 'is 256 characters; GitLab allows 255'],
  ])('%s', (key, problem) => {
    if (problem === undefined) expect(keyProblem(key)).toBeUndefined();
    else expect(keyProblem(key)).toContain(problem);
  });
});

describe('checkKeys', () => {
  it('catches s3-site\'s old key: an empty prefix (the default) ends it with "/"', () => {
    const spec: Spec = {
      inputs: {
        bucket: input.string({ description: 'b', regex: orVariable('^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$') }),
        prefix: input.string({ description: 'p', default: '' }),
      },
    };
    const [p, ...rest] = checkKeys(
      { deploy: { resource_group: 's3-site/$[[ inputs.bucket ]]/$[[ inputs.prefix ]]' } },
      spec,
      { bucket: 'www-example-com' },
      where,
    );
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'resource-group-key', path: 'jobs.deploy.resource_group' });
    expect(p!.message).toContain('"s3-site/www-example-com/" ends with "/"');
    expect(p!.message).toContain('without the lock');
  });

  it("catches ecs-deploy's old key: a cluster input without a regex admits an ARN", () => {
    const spec: Spec = {
      inputs: { cluster: input.string({ description: 'c' }), service: input.string({ description: 's' }) },
    };
    const [p] = checkKeys(
      { deploy: { resource_group: 'ecs-deploy/$[[ inputs.cluster ]]/$[[ inputs.service ]]' } },
      spec,
      { cluster: 'production', service: 'web' },
      where,
    );
    expect(p?.code).toBe('resource-group-key');
    expect(p!.message).toMatch(/when input cluster is "(a:b|arn:aws:ecs:[^"]*)".*contains ":"/);
  });

  it("accepts the catalog's own components, whose keys hold for every value their inputs admit", async () => {
    const { components } = await loadComponents(REPO_ROOT);
    for (const c of components) {
      const examples = Object.fromEntries(Object.entries(c.inputs).map(([n, d]) => [n, d.example]));
      expect(checkKeys(c.jobs, specOf(c), examples, { component: c.name })).toEqual([]);
    }
  });

  it('checks environment names too', () => {
    const spec: Spec = { inputs: { environment: input.string({ description: 'e', default: 'production' }) } };
    const [p] = checkKeys({ deploy: { environment: { name: '$[[ inputs.environment ]]' } } }, spec, {}, where);
    expect(p?.code).toBe('environment-name');
  });
});
