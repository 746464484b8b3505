// Throwaway catalog projects for the browse tests: a catalog.yml in the release-history format
// (each component's `versions`: what every release changed), generated docs pages, a CHANGELOG,
// and, in a git repository, one commit and one real tag per release.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

type Contract = Record<string, unknown>;
interface Release {
  version: string;
  date: string;
  components: Record<
    string,
    {
      status?: 'added';
      added?: Record<string, Contract>;
      changed?: Record<string, Contract>;
      removed?: string[];
      renamed?: Record<string, string>;
      changes?: Array<{ level: string; text: string }>;
    }
  >;
}

const str = (o: Contract = {}): Contract => ({ type: 'string', required: o.default === undefined, ...o });

/** Three releases of a small catalog: 2.0.0 removes `legacy-acl` and renames `bucket` to `target-bucket`. */
export const RELEASES: Release[] = [
  {
    version: '1.0.0',
    date: '2026-01-10',
    components: {
      'site-deploy': {
        status: 'added',
        added: {
          'role-arn': str(),
          bucket: str(),
          region: str({ default: 'us-east-1' }),
          'legacy-acl': { type: 'boolean', required: false, default: false },
        },
      },
      'stack-deploy': {
        status: 'added',
        added: { 'role-arn': str(), 'stack-name': str(), template: str({ default: 'template.yml' }) },
      },
    },
  },
  {
    version: '1.1.0',
    date: '2026-02-20',
    components: {
      'site-deploy': {
        added: { 'dry-run': { type: 'boolean', required: false, default: false } },
        changes: [{ level: 'minor', text: 'new optional input `dry-run`' }],
      },
      'image-push': {
        status: 'added',
        added: { 'role-arn': str(), repository: str(), tags: { type: 'array', required: false, default: ['latest'] } },
      },
    },
  },
  {
    version: '2.0.0',
    date: '2026-04-02',
    components: {
      'site-deploy': {
        renamed: { 'target-bucket': 'bucket' },
        removed: ['legacy-acl'],
        changed: { region: str({ default: 'eu-west-1' }) },
        changes: [
          { level: 'major', text: 'input `legacy-acl` removed' },
          { level: 'major', text: 'input `bucket` renamed to `target-bucket`' },
          { level: 'patch', text: 'input `region`: default changed from `us-east-1` to `eu-west-1`' },
        ],
      },
    },
  },
];

const DESCRIPTIONS: Record<string, string> = {
  'role-arn': 'The IAM role to assume with the job ID token.',
  bucket: 'The S3 bucket to upload to.',
  'target-bucket': 'The S3 bucket to upload to.',
  region: 'AWS region.',
  'legacy-acl': 'Set the public-read ACL on objects.',
  'dry-run': 'Print what would change, change nothing.',
  'stack-name': 'The CloudFormation stack to create or update.',
  template: 'The template file.',
  repository: 'The ECR repository.',
  tags: 'Image tags to push.',
};

const POLICIES: Record<string, string[]> = {
  'site-deploy': ['s3:ListBucket', 's3:PutObject', 'cloudfront:CreateInvalidation'],
  'stack-deploy': ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DescribeStacks'],
  'image-push': ['ecr:GetAuthorizationToken', 'ecr:PutImage'],
};

const COMPONENT_DESCRIPTIONS: Record<string, string> = {
  'site-deploy': 'Deploy a static site to S3 and invalidate CloudFront.',
  'stack-deploy': 'Create or update a CloudFormation stack.',
  'image-push': 'Push a container image to ECR.',
};

function inputsAt(upTo: number): Record<string, Record<string, Contract>> {
  const state: Record<string, Record<string, Contract>> = {};
  for (const r of RELEASES.slice(0, upTo + 1)) {
    for (const [name, d] of Object.entries(r.components)) {
      const s = d.status === 'added' ? {} : { ...(state[name] ?? {}) };
      for (const [now, former] of Object.entries(d.renamed ?? {})) {
        s[now] = { ...s[former]!, formerName: former };
        delete s[former];
      }
      for (const x of d.removed ?? []) delete s[x];
      Object.assign(s, d.added ?? {}, d.changed ?? {});
      state[name] = s;
    }
  }
  return state;
}

/** catalog.yml as the build writes it after release `upTo` (an index into RELEASES). */
export function catalogYml(upTo = RELEASES.length - 1, project = 'platform/fixture-catalog'): string {
  const released = RELEASES.slice(0, upTo + 1);
  const current = inputsAt(upTo);
  return stringify({
    historyFormat: 1,
    name: 'Fixture catalog',
    project,
    description: 'A throwaway catalog with three releases.',
    version: released[released.length - 1]!.version,
    releases: [...released].reverse().map((r) => ({ version: r.version, date: r.date, bump: 'minor', notes: '' })),
    components: Object.entries(current).map(([name, inputs]) => ({
      name,
      description: COMPONENT_DESCRIPTIONS[name],
      template: `templates/${name}/template.yml`,
      docs: `docs/components/${name}.md`,
      include: `$CI_SERVER_FQDN/${project}/${name}@${released[released.length - 1]!.version}`,
      inputs: Object.fromEntries(Object.entries(inputs).map(([n, c]) => [n, { ...c, description: DESCRIPTIONS[n] }])),
      versions: [...released]
        .reverse()
        .filter((r) => r.components[name])
        .map((r) => ({ version: r.version, ...r.components[name] })),
    })),
    removedComponents: [],
  });
}

function docsPage(name: string): string {
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: POLICIES[name], Resource: '*' }] };
  return (
    `# ${name}\n\n## IAM policy\n\n\`\`\`json\n${JSON.stringify(policy, null, 2)}\n\`\`\`\n\n## ` +
    `Examples\n\n### Deploy on the default branch\n\n\`\`\`yaml\ninclude:\n  - component: ` +
    `$CI_SERVER_FQDN/platform/fixture-catalog/${name}@2.0.0\n\`\`\`\n`
  );
}

function writeCatalog(dir: string, upTo: number): void {
  writeFileSync(join(dir, 'catalog.yml'), catalogYml(upTo));
  mkdirSync(join(dir, 'docs/components'), { recursive: true });
  for (const name of Object.keys(inputsAt(upTo)))
    writeFileSync(join(dir, `docs/components/${name}.md`), docsPage(name));
  writeFileSync(
    join(dir, 'CHANGELOG.md'),
    `# Changelog\n\n${RELEASES.slice(0, upTo + 1)
      .reverse()
      .map((r) => `## ${r.version} (${r.date})\n`)
      .join('\n')}`,
  );
}

/** A catalog project folder (no git) at the newest release. */
export function fixtureFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'browse-catalog-'));
  writeCatalog(dir, RELEASES.length - 1);
  return dir;
}

/** A git repository with one commit and tag per release; returns the folder and each tag's commit. */
export function fixtureRepo(): { dir: string; shas: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'browse-repo-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    }).trim();
  git('init', '-q', '-b', 'main');
  const shas: Record<string, string> = {};
  RELEASES.forEach((r, i) => {
    writeCatalog(dir, i);
    git('add', '-A');
    git('commit', '-q', '-m', `release ${r.version}`);
    git('tag', '-a', r.version, '-m', r.version);
    shas[r.version] = git('rev-parse', 'HEAD');
  });
  return { dir, shas };
}
