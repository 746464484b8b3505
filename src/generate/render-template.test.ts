import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import golden from '../../test/fixtures/golden-component/component.js';
import { checkComponent } from './build.js';
import { renderTemplate } from './render-template.js';

const root = join(import.meta.dirname, '..', '..');
const goldenFile = join(root, 'test/golden/golden-component.template.yml');

describe('renderTemplate', () => {
  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const out = renderTemplate(golden);
    if (process.env.UPDATE_GOLDEN) writeFileSync(goldenFile, out);
    expect(out).toBe(readFileSync(goldenFile, 'utf8'));
  });

  it('is deterministic', () => {
    expect(renderTemplate(golden)).toBe(renderTemplate(golden));
  });

  it('says where it was generated from on the first line', () => {
    expect(renderTemplate(golden).split('\n')[0]).toBe(
      '# Generated from test/fixtures/golden-component/component.ts by `npm run catalog -- build`. Do not edit: ' +
        'change the definition and rebuild.',
    );
  });

  it("writes a spec header document and a jobs document, in GitLab's key order", () => {
    const docs = parseAllDocuments(renderTemplate(golden));
    expect(docs).toHaveLength(2);
    const header = docs[0]!.toJS();
    expect(Object.keys(header)).toEqual(['spec']);
    expect(Object.keys(header.spec.inputs)).toEqual([
      'stage',
      'job-name',
      'target',
      'replicas',
      'manual',
      'tags',
      'name',
    ]);
    expect(header.spec.inputs.name).toEqual({ description: 'A required name.', type: 'string', regex: '^[a-z]+$' });
    const jobs = docs[1]!.toJS();
    expect(Object.keys(jobs)).toEqual(['$[[ inputs.job-name ]]-run']);
    expect(Object.keys(jobs['$[[ inputs.job-name ]]-run'])).toEqual([
      'stage',
      'tags',
      'rules',
      'allow_failure',
      'resource_group',
      'environment',
      'variables',
      'script',
    ]);
  });

  it('passes every build check', () => {
    expect(checkComponent(golden)).toEqual([]);
  });
});
