import { defineCatalog } from './src/catalog/config.js';

export default defineCatalog({
  name: 'AWS delivery components',
  project: 'platform/aws-delivery',
  description: 'GitLab CI/CD components that deliver to AWS with OIDC: S3 static sites with CloudFront, ECS, and the authentication they share.',
  version: '0.1.0',
  releases: [],
});
