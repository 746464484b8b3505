// End-to-end scenarios for cfn-lint: the real cfn-lint (the pinned release; the harness puts the
// one from .tools/iac-venv on the job's PATH when scripts/setup-tools.sh installed it, otherwise
// the job installs it from PyPI as it would in a bare image) on templates in a consumer project.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineScenarios, type ScenarioResult } from '../../src/harness/scenario.js';

const REPORT = 'gl-code-quality-report.json';

interface Issue {
  check_name: string;
  description: string;
  severity: string;
  fingerprint: string;
  location: { path: string; lines: { begin: number } };
}

function report(r: ScenarioResult): Issue[] {
  for (const p of [
    join(r.projectDir, '.gitlab-ci-local', 'artifacts', 'cfn-lint', REPORT),
    join(r.projectDir, REPORT),
  ]) {
    if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8')) as Issue[];
  }
  throw new Error('the job left no Code Quality report');
}

const QUEUE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 3600
`;

export default defineScenarios('cfn-lint', [
  {
    name:
      'a template CloudFormation would reject fails the job, with the finding on its line in the Code ' +
      'Quality report',
    files: { 'template.yaml': QUEUE.replace('3600', '10') },
    expect: {
      status: 'failed',
      trace: [
        'template.yaml:6:7: error E3034: 10 is less than the minimum of 60',
        'cfn-lint: error: cfn-lint found errors (listed above)',
      ],
    },
    inspect: (_ctx, r) => {
      const issues = report(r);
      assert.equal(issues.length, 1);
      assert.deepEqual(
        { ...issues[0], fingerprint: undefined },
        {
          type: 'issue',
          check_name: 'cfn-lint E3034',
          description: 'E3034 10 is less than the minimum of 60',
          categories: ['Bug Risk'],
          severity: 'major',
          fingerprint: undefined,
          location: { path: 'template.yaml', lines: { begin: 6 } },
        },
      );
      assert.match(issues[0]!.fingerprint, /^[0-9a-f]{64}$/);
      return [];
    },
  },
  {
    name: 'templates found by a ** glob pass with an empty report',
    files: { 'infra/app/web.yaml': QUEUE, 'infra/db.yaml': QUEUE.replace('Jobs', 'Dead') },
    inputs: { templates: 'infra/**/*.yaml' },
    expect: {
      status: 'success',
      trace: ['cfn-lint 1.58.0: infra/**/*.yaml', 'cfn-lint: no findings that fail the job (fail-on: error)'],
    },
    inspect: (_ctx, r) =>
      report(r).length === 0 ? [] : [`expected an empty report, got ${JSON.stringify(report(r))}`],
  },
  {
    name: 'warnings reach the report without failing the job, unless fail-on is warning',
    files: { 'template.yaml': QUEUE.replace('Resources:', 'Parameters:\n  Unused:\n    Type: String\nResources:') },
    inputs: { 'fail-on': 'warning' },
    expect: {
      status: 'failed',
      trace: [/template\.yaml:3:\d+: warning W2001: Parameter Unused not used/, "and 'fail-on' is warning"],
    },
    inspect: (_ctx, r) =>
      report(r).some((i) => i.check_name === 'cfn-lint W2001' && i.severity === 'minor')
        ? []
        : ['the warning is not in the report as minor'],
  },
  {
    name: 'a glob that matches no template is an error, not a silent pass',
    files: { 'template.yaml': QUEUE },
    inputs: { templates: 'infra/*.yaml' },
    expect: { status: 'failed', trace: ['error E0003: infra/*.yaml could not be processed by glob.glob'] },
  },
]);
