import { describe, expect, it } from 'vitest';
import { pipelineFindings } from '../../../../../test/security/lint-project.js';

const CODE = 'security-unpinned-image';

describe('security: unpinned images', () => {
  it('flags images and services without a tag or tagged latest, in default and jobs', () => {
    const found = pipelineFindings(
      CODE,
      'default:\n  image: alpine\ntest:\n  image: { name: "node:latest" }\n  services: [postgres:16.2, ' +
        '"registry.example.com:5000/team/cache"]\n  script: echo\n',
    );
    expect(found).toEqual([
      'default: default:image `alpine` has no tag, so it means `latest`',
      'test: test:image `node:latest` is tagged `latest`',
      'test: test:services `registry.example.com:5000/team/cache` has no tag, so it means `latest`',
    ]);
  });

  it('accepts version tags, digests and images chosen by a variable', () => {
    const found = pipelineFindings(
      CODE,
      `test:\n  image: node:20.19.0-bookworm\n  services: ["postgres@sha256:${'a'.repeat(64)}` +
        `", $DB_IMAGE]\n  script: echo\n`,
    );
    expect(found).toEqual([]);
  });
});
