import { describe, expect, it } from 'vitest';
import { findings, lintProject } from '../../../../../test/security/lint-project.js';
import { isPinned } from './unpinned-component.js';

describe('security: unpinned components and includes', () => {
  it('flags ~latest, partial versions, branches, project includes without a ref and remote URLs', () => {
    const r = lintProject({
      '.gitlab-ci.yml': `include:
  - component: $CI_SERVER_FQDN/acme/tools/scan@~latest
  - component: $CI_SERVER_FQDN/acme/tools/lint@1.2
  - component: $CI_SERVER_FQDN/acme/tools/fmt@main
  - component: $CI_SERVER_FQDN/acme/tools/ok@1.2.3
  - component: $CI_SERVER_FQDN/acme/tools/sha@0123456789abcdef0123456789abcdef01234567
  - project: acme/ci
    file: /jobs.yml
  - project: acme/ci
    ref: 2.0.1
    file: /jobs.yml
  - remote: https://example.com/ci.yml
test:
  script: echo
`,
    });
    expect(findings(r, 'security-unpinned-component')).toEqual([
      'include: component `$CI_SERVER_FQDN/acme/tools/scan@~latest` is not pinned: `~latest` moves with every release',
      'include: component `$CI_SERVER_FQDN/acme/tools/lint@1.2` is not pinned: `1.2` is a partial version and ' +
        'moves with every matching release',
      'include: component `$CI_SERVER_FQDN/acme/tools/fmt@main` is not pinned: `main` is a branch or a tag name ' +
        'that is not a version',
      'include: project include `acme/ci` has no `ref:`, so it follows the default branch',
      'include: remote include `https://example.com/ci.yml` can change under the pipeline',
    ]);
  });

  it("a version, a SHA and the pipeline's own commit are pins", () => {
    for (const ref of ['1.2.3', 'v1.2.3', '1.0.0-rc.1', '0123456789abcdef0123456789abcdef01234567', '$CI_COMMIT_SHA'])
      expect(isPinned(ref), ref).toBe(true);
    for (const ref of ['~latest', '1', '1.2', 'main', '$VERSION']) expect(isPinned(ref), ref).toBe(false);
  });
});
