// A throwaway catalog in a temporary git repository, defined with the real authoring API,
// whose definitions the tests change between releases.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BEGIN, END } from '../../src/generate/render-readme.js';

export const TOOLKIT = join(import.meta.dirname, '..', '..');
export const PROJECT = 'acme/tools';

export interface ComponentSpec {
  /** Input name -> builder source, e.g. `input.string({ default: 'a', description: 'A.' })`. */
  readonly inputs: Record<string, string>;
  /** Source of a `deprecated:` value for the component. */
  readonly deprecated?: string;
}

export class ThrowawayCatalog {
  readonly root = mkdtempSync(join(tmpdir(), 'catalog-release-'));

  constructor() {
    this.git('init', '--quiet', '--initial-branch=main');
    this.git('config', 'user.name', 'Release Tester');
    this.git('config', 'user.email', 'release@example.com');
    this.git('config', 'tag.gpgSign', 'false');
    this.git('config', 'commit.gpgSign', 'false');
    this.write(
      'catalog.config.ts',
      `import { defineCatalog } from '${TOOLKIT}/src/catalog/config.ts';\nexport default defineCatalog({ name: ` +
        `'Tools', project: '${PROJECT}', description: 'Small tools for tests.' });\n`,
    );
    this.write(
      'README.md',
      `# Tools\n\n${BEGIN}\n${END}\n\n\`\`\`yaml\ninclude:\n  - component: $CI_SERVER_FQDN/${PROJECT}` +
        `/alpha@0.0.0\n\`\`\`\n`,
    );
    this.write('.gitlab-ci.yml', RELEASE_PIPELINE);
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.root,
      encoding: 'utf8',
      env: { ...process.env, GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z', GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z' },
    });
  }

  write(path: string, text: string): void {
    mkdirSync(join(this.root, path, '..'), { recursive: true });
    writeFileSync(join(this.root, path), text);
  }

  remove(path: string): void {
    rmSync(join(this.root, path), { recursive: true, force: true });
  }

  component(name: string, spec: ComponentSpec): void {
    const inputs = {
      stage: `input.string({ default: 'test', description: 'The stage.' })`,
      'job-name': `input.string({ default: '${name}', description: 'The job name.' })`,
      ...spec.inputs,
    };
    const vars = Object.keys(spec.inputs)
      .map((n) => `        ${n.toUpperCase().replace(/-/g, '_')}: i['${n}'],`)
      .join('\n');
    this.write(
      `components/${name}/component.ts`,
      `import { defineComponent, input } from '${TOOLKIT}/src/define/index.ts';

export default defineComponent({
  name: '${name}',
  source: import.meta.url,
  description: 'The ${name} tool.',
  ${spec.deprecated ? `deprecated: ${spec.deprecated},` : ''}
  inputs: {
${Object.entries(inputs)
  .map(([n, s]) => `    '${n}': ${s},`)
  .join('\n')}
  },
  jobs: ({ inputs: i }) => ({
    [i['job-name']]: {
      stage: i.stage,
      image: 'alpine:3.20',
      variables: {
${vars}
      },
      script: ['echo "running ${name}"'],
    },
  }),
});
`,
    );
  }

  /** Commits everything, as a maintainer does before releasing. */
  commit(message: string): void {
    this.git('add', '-A');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The release part of a catalog pipeline, as in this project's .gitlab-ci.yml. */
export const RELEASE_PIPELINE = `stages: [test, release]
unit:
  stage: test
  image: node:20.19.0-bookworm
  script: [npm test]
release:
  stage: release
  image: registry.gitlab.com/gitlab-org/cli:v1.105.0
  rules:
    - if: $CI_COMMIT_TAG
  script: [echo "Releasing $CI_COMMIT_TAG"]
  release:
    tag_name: $CI_COMMIT_TAG
    description: release-notes.md
`;
