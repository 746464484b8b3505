// End-to-end scenarios for iac-scan: the real checkov and cfn-lint (pinned, in .tools/iac-venv) on
// files with known misconfigurations, under gitlab-ci-local. The job calls no AWS API.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { defineScenarios, type ScenarioResult } from '../../src/harness/scenario.js';
import { sastReportSchema } from './sast-report-schema.js';

/** SSH open to the internet: checkov's CKV_AWS_24, severity High (also the pipelines' validate-stage scenario). */
export const SSH_FROM_ANYWHERE_TF = `resource "aws_security_group" "ssh" {
  name        = "ssh"
  description = "SSH from anywhere"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`;

/** One file per kind of infrastructure code, each with misconfigurations checkov or cfn-lint know. */
const FIXTURES = {
  // SSH open to the internet (CKV_AWS_24), a bucket without a public access block (CKV2_AWS_6) or logging.
  'infra/main.tf': `${SSH_FROM_ANYWHERE_TF}
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
`,
  // An unencrypted queue (CKV_AWS_27) whose retention is below CloudFormation's minimum (cfn-lint E3034).
  'cfn/queue.yaml': `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
      MessageRetentionPeriod: 10
`,
  // What \`cdk synth\` writes: an unencrypted SNS topic (CKV_AWS_26).
  'cdk.out/AppStack.template.json': `{
  "Resources": {
    "Topic": {
      "Type": "AWS::SNS::Topic",
      "Properties": { "TopicName": "events" }
    }
  }
}
`,
  // A privileged container (CKV_K8S_16).
  'k8s/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
          securityContext:
            privileged: true
`,
  // Runs as root (CKV_DOCKER_3), no HEALTHCHECK (CKV_DOCKER_2).
  'app/Dockerfile': `FROM python:3.12.8-slim-bookworm
COPY . /app
CMD ["python", "/app/main.py"]
`,
};

interface Vulnerability {
  readonly id: string;
  readonly severity: string;
  readonly identifiers: readonly { type: string; value: string }[];
  readonly location: { file: string; start_line: number };
}

function artifact(r: ScenarioResult, file: string): unknown {
  const candidates = [join(r.projectDir, '.gitlab-ci-local', 'artifacts', 'iac-scan', file), join(r.projectDir, file)];
  const found = candidates.find((f) => existsSync(f));
  assert.ok(found, `the job left no ${file} (looked in ${candidates.join(', ')})`);
  return JSON.parse(readFileSync(found, 'utf8'));
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validSast = ajv.compile(sastReportSchema);

/** The report validates against GitLab's SAST format, and every finding has a real severity. */
function checkedReport(r: ScenarioResult): Vulnerability[] {
  const doc = artifact(r, 'gl-sast-report.json');
  assert.ok(
    validSast(doc),
    `gl-sast-report.json is not a valid GitLab SAST report: ${ajv.errorsText(validSast.errors)}`,
  );
  const report = doc as unknown as { version: string; vulnerabilities: Vulnerability[] };
  assert.equal(report.version, '15.2.1');
  const unknown = report.vulnerabilities.filter(
    (v) => !['Critical', 'High', 'Medium', 'Low', 'Info'].includes(v.severity),
  );
  assert.deepEqual(unknown, [], 'findings without a severity');
  assert.equal(
    new Set(report.vulnerabilities.map((v) => v.id)).size,
    report.vulnerabilities.length,
    'two findings share an id',
  );
  return report.vulnerabilities;
}

/** `RULE file severity` for each finding, to compare with what the fixtures contain. */
const summary = (vs: readonly Vulnerability[]) =>
  vs.map((v) => `${v.identifiers[0]!.value} ${v.location.file} ${v.severity}`);

export default defineScenarios('iac-scan', [
  {
    name: 'scans Terraform, CloudFormation, CDK output, Kubernetes and a Dockerfile into one valid SAST report',
    files: FIXTURES,
    inputs: { 'fail-on': 'none' },
    expect: {
      status: 'success',
      trace: [
        'iac-scan: checkov 3.3.30, cfn-lint 1.58.0',
        'iac-scan: cfn-lint checked 2 template(s)',
        /iac-scan: findings: 0 Critical, \d+ High, \d+ Medium/,
      ],
    },
    verify: (_ctx, r) => {
      const vs = checkedReport(r);
      const got = summary(vs);
      for (const want of [
        'CKV_AWS_24 infra/main.tf High',
        'CKV2_AWS_6 infra/main.tf High',
        'CKV_AWS_18 infra/main.tf Low',
        'CKV_AWS_27 cfn/queue.yaml Medium',
        'E3034 cfn/queue.yaml Medium',
        'CKV_AWS_26 cdk.out/AppStack.template.json Medium',
        'CKV_K8S_16 k8s/deploy.yaml High',
        'CKV_DOCKER_3 app/Dockerfile Medium',
        'CKV_DOCKER_2 app/Dockerfile Low',
      ]) {
        assert.ok(got.includes(want), `expected the finding "${want}"; the report has:\n  ${got.join('\n  ')}`);
      }
      const e3034 = vs.find((v) => v.identifiers[0]!.value === 'E3034')!;
      assert.equal(e3034.location.start_line, 7, 'cfn-lint points at the MessageRetentionPeriod line');
      assert.equal(e3034.identifiers[0]!.type, 'cfn-lint');
      // The Code Quality report has the same findings, in GitLab's Code Quality severities.
      const cq = artifact(r, 'gl-code-quality-report.json') as {
        check_name: string;
        severity: string;
        fingerprint: string;
        location: { path: string };
      }[];
      assert.equal(cq.length, vs.length);
      assert.ok(
        cq.some(
          (i) => i.check_name === 'CKV_AWS_24' && i.severity === 'critical' && i.location.path === 'infra/main.tf',
        ),
      );
      assert.equal(new Set(cq.map((i) => i.fingerprint)).size, cq.length, 'Code Quality fingerprints must be unique');
    },
  },
  {
    name: 'a High finding fails the job at the default threshold, naming the finding',
    files: { 'infra/main.tf': FIXTURES['infra/main.tf'] },
    inputs: { paths: 'infra', frameworks: 'terraform', 'cfn-lint': false },
    expect: {
      status: 'failed',
      trace: [
        /iac-scan: High +CKV_AWS_24 +infra\/main\.tf:1/,
        "iac-scan: error: 2 finding(s) at High or above (the 'fail-on' input)",
      ],
    },
    // The reports are written before the job fails, so the merge request still shows them.
    verify: (_ctx, r) => assert.ok(summary(checkedReport(r)).includes('CKV_AWS_24 infra/main.tf High')),
  },
  {
    name: 'suppressions with a reason (file or inline) remove findings; an inline skip without a reason does not',
    files: {
      'infra/main.tf': FIXTURES['infra/main.tf'].replace(
        'resource "aws_s3_bucket" "logs" {\n',
        'resource "aws_s3_bucket" "logs" {\n  #checkov:skip=CKV2_AWS_6:public access is blocked account-wide by ' +
          'the landing zone\n  #checkov:skip=CKV_AWS_21\n',
      ),
      '.iac-scan.yml': `suppressions:
  - id: CKV_AWS_24
    path: infra/*.tf
    reason: bastion host; the security group is replaced by SSM Session Manager in ACME-142
  - id: CKV_AWS_18
    reason: an expired exception
    expires: 2020-01-01
`,
    },
    inputs: { paths: 'infra', frameworks: 'terraform', 'cfn-lint': false },
    expect: {
      status: 'success',
      trace: [
        'iac-scan: suppressed: CKV_AWS_24 at infra/main.tf:1 (bastion host; the security group is replaced by ' +
          'SSM Session Manager in ACME-142)',
        new RegExp(
          String.raw`iac-scan: suppressed inline: CKV2_AWS_6 at infra\/main\.tf \(public access is blocked ` +
            String.raw`account-wide by the landing zone\)`,
        ),
        'iac-scan: suppression 2 of CKV_AWS_18 expired on 2020-01-01; its findings count again',
        'iac-scan: 1 inline checkov:skip comment(s) without a reason were ignored',
      ],
    },
    verify: (_ctx, r) => {
      const got = summary(checkedReport(r));
      assert.ok(
        !got.some((f) => f.startsWith('CKV_AWS_24 ') || f.startsWith('CKV2_AWS_6 ')),
        `suppressed findings are in the report: ${got.join(', ')}`,
      );
      assert.ok(got.includes('CKV_AWS_21 infra/main.tf Low'), 'an inline skip without a reason must not suppress');
      assert.ok(got.includes('CKV_AWS_18 infra/main.tf Low'), 'an expired suppression must not suppress');
    },
  },
  {
    name: 'a suppression without a reason fails the job, naming the file and the entry',
    files: {
      'infra/main.tf': FIXTURES['infra/main.tf'],
      'security/iac.yml': 'suppressions:\n  - id: CKV_AWS_24\n',
    },
    inputs: { paths: 'infra', frameworks: 'terraform', suppressions: 'security/iac.yml', 'cfn-lint': false },
    expect: {
      status: 'failed',
      trace: [
        'iac-scan: error: security/iac.yml: suppression 1 (CKV_AWS_24) has no "reason". Every suppression says ' +
          'why the finding is accepted',
      ],
    },
  },
  {
    name: 'a path that does not exist fails before scanning, naming the input',
    files: { 'infra/main.tf': FIXTURES['infra/main.tf'] },
    inputs: { paths: 'infra, cdk.out' },
    expect: {
      status: 'failed',
      trace: ["iac-scan: error: input 'paths': 'cdk.out' does not exist"],
      notInTrace: ['iac-scan: checkov 3.3.30'],
    },
  },
]);
