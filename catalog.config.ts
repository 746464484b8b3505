import { defineCatalog } from './src/catalog/config.js';

// Versions are not declared here: `npm run catalog -- release <version|major|minor|patch>`
// records them in catalog.history.yml (see docs/release-history.md).
export default defineCatalog({
  name: 'AWS delivery components',
  project: 'platform/aws-delivery',
  description:
    'GitLab CI/CD components that deliver to AWS with OIDC: S3 static sites with CloudFront, ECS, and the ' +
    'authentication they share.',
});
