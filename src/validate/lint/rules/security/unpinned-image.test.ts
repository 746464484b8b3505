import { describePipelineRule } from '../../../../../test/security/lint-project.js';

describePipelineRule('security: unpinned images', 'security-unpinned-image', {
  'flags images and services without a tag or tagged latest, in default and jobs': {
    pipeline: `default:
  image: alpine
test:
  image: { name: "node:latest" }
  services: [postgres:16.2, "registry.example.com:5000/team/cache"]
  script: echo
`,
    findings: [
      'default: default:image `alpine` has no tag, so it means `latest`',
      'test: test:image `node:latest` is tagged `latest`',
      'test: test:services `registry.example.com:5000/team/cache` has no tag, so it means `latest`',
    ],
  },
  'accepts version tags, digests and images chosen by a variable': {
    pipeline: `test:
  image: node:20.19.0-bookworm
  services: ["postgres@sha256:${'a'.repeat(64)}", $DB_IMAGE]
  script: echo
`,
    findings: [],
  },
});
