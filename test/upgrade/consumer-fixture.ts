// A consumer project with every pin form GitLab accepts, in the root pipeline and in local files
// it includes (a plain path and a glob), with the quoting, comments and anchors a real file has.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalogRepo } from './catalog-fixture.js';

export function consumerFiles(catalog: CatalogRepo): Record<string, string> {
  const v100 = catalog.sha['1.0.0']!;
  return {
    '.gitlab-ci.yml': `# The pipeline of a consumer project.
stages: [build, deploy]

include:
  - local: ci/common.yml
  - ci/notify-default.yml
  - local: 'ci/envs/*.yml'
  # exact pin; sets legacy-flag, which 2.0.0 removes
  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@1.0.0
    inputs:
      environment: staging
      legacy-flag: true
  - component: "$CI_SERVER_FQDN/acme/ci-catalog/deploy@1.1.0"   # quoted, with a comment
    inputs:
      environment: production
      target: api
      timeout: 600
  - component: '\${CI_SERVER_FQDN}/acme/ci-catalog/notify@1.0.0'
    inputs: &notify
      channel: '#deploys'
      level: info

variables:
  KEEP: "every byte"
`,
    'ci/common.yml': `include:
  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@${v100}
    inputs:
      environment: review
  - component: $CI_SERVER_FQDN/acme/ci-catalog/notify@${v100} # v1.0.0
    inputs:
      channel: '#review-apps'
      level: debug
`.replace(/\n/g, '\r\n'), // written on Windows: CRLF line endings stay CRLF
    'ci/envs/floating.yml': `include:
  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@1.1
    inputs: { environment: qa }
  - component: $CI_SERVER_FQDN/acme/ci-catalog/deploy@1
    inputs: { environment: qa2 }
  - component: $CI_SERVER_FQDN/acme/ci-catalog/notify@~latest
    inputs: { room: '#qa', level: warn }
`,
    'ci/envs/tools.yml': `include:
  - component: gitlab.example.com/other/tools/yamllint@main
    inputs: { job-name: yamllint-edge }
  - component: gitlab.example.com/other/tools/yamllint@1.0.0
`,
    // Relies on notify's default level, which 1.1.0 changes: nothing is safe, the file stays as it is.
    'ci/notify-default.yml': `include:
  - component: $CI_SERVER_FQDN/acme/ci-catalog/notify@1.0.0
    inputs:
      channel: '#ops'
`,
  };
}

export function writeConsumer(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
}
