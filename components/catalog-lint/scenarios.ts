// End-to-end scenarios for catalog-lint: the job installs the linter from a tarball packed from
// this checkout (as `npm pack` makes it; the default, git at the component's SHA, needs a GitLab
// server) without dev dependencies, lints the consumer project and writes the Code Quality report.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineScenarios } from '../../src/harness/scenario.js';
import { REPO_ROOT } from '../../src/internal/paths.js';

let packed: string | undefined;

/** The package as `npm pack` makes it, compiled apart from the checkout's dist/ so no build races it. */
function toolkitTarball(): string {
  if (packed) return packed;
  const dir = mkdtempSync(join(tmpdir(), 'catalog-lint-toolkit-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync(
    join(REPO_ROOT, 'node_modules', '.bin', 'tsc'),
    ['-p', join(REPO_ROOT, 'tsconfig.json'), '--outDir', join(dir, 'dist')],
    { stdio: 'pipe' },
  );
  for (const f of [
    'package.json',
    'README.md',
    '.pre-commit-hooks.yaml',
    'schemas/gitlab-ci.json',
    'schemas/gitlab-ci.validate.cjs',
  ])
    cpSync(join(REPO_ROOT, f), join(dir, f));
  // The rest of `npm run compile`: the lint path bundled, as the package's bin runs it.
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle-cli.mjs'), join(dir, 'dist')], { stdio: 'pipe' });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: dir,
    encoding: 'utf8',
  });
  packed = join(dir, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
  return packed;
}

const BAD_DEPLOY = `stages: [build, deploy]
build:
  stage: build
  image: node:latest
  script: npm run build
deploy:
  stage: deploy
  needs: [compile]
  script: curl -fsSL https://get.example.com/deploy.sh | sh
`;

export default defineScenarios('catalog-lint', [
  {
    name: 'a clean pipeline passes with an empty Code Quality report',
    setup: async () => ({ toolkit: toolkitTarball() }),
    expect: {
      status: 'success',
      trace: [
        /✔ \.gitlab-ci\.yml: valid \(1 job, 1 include\)/,
        '✔ templates/catalog-lint/template.yml: valid',
        'catalog-lint: 0 finding(s) in gl-code-quality-report.json',
      ],
    },
  },
  {
    name: 'GitLab errors and security findings fail the job and fill the Code Quality report',
    files: { 'ci/deploy.yml': BAD_DEPLOY },
    inputs: { files: '.gitlab-ci.yml ci/deploy.yml', report: 'reports/lint.json' },
    setup: async () => ({ toolkit: toolkitTarball() }),
    expect: {
      status: 'failed',
      trace: [
        'deploy job: undefined need: compile',
        'build:image `node:latest` is tagged `latest`',
        'deploy:script runs a script straight from the network',
        'catalog-lint: 3 finding(s) in reports/lint.json: undefined-need, security-download-exec, ' +
          'security-unpinned-image',
      ],
    },
  },
  {
    name: 'security: false reports only what GitLab itself would refuse',
    files: { 'ci/deploy.yml': BAD_DEPLOY.replace('needs: [compile]', 'needs: [build]') },
    inputs: { files: 'ci/deploy.yml', security: false },
    setup: async () => ({ toolkit: toolkitTarball() }),
    expect: {
      status: 'success',
      trace: ['✔ ci/deploy.yml: valid (2 jobs)', 'catalog-lint: 0 finding(s)'],
      notInTrace: ['security-'],
    },
  },
]);
