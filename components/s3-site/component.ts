import { defineComponent, input, inputVariablesExcept } from '../../src/define/index.js';
import { CLOUDFRONT_DISTRIBUTION, orEmpty, orVariable, S3_BUCKET } from '../../src/define/patterns.js';
import { imageInput, placementInputs } from '../../src/define/shared-inputs.js';
import { authInputs, awsJob } from '../oidc-auth/auth.js';

export default defineComponent({
  name: 's3-site',
  source: import.meta.url,
  description:
    'Deploy a built static site to S3 with per-glob Cache-Control, upload only changed files, delete removed ' +
    'ones, then invalidate CloudFront.',
  inputs: {
    ...placementInputs({ stage: 'deploy', jobName: 'deploy-site' }),
    ...authInputs,
    image: imageInput(),
    'source-dir': input.string({ default: 'public', description: 'The built site, relative to the project root.' }),
    bucket: input.string({
      regex: orVariable(S3_BUCKET),
      example: 'www-example-com',
      description: 'The S3 bucket to deploy to, or a CI/CD variable holding it (`$SITE_BUCKET`).',
    }),
    prefix: input.string({
      default: '',
      description: 'Key prefix (folder) inside the bucket; empty deploys to the root.',
    }),
    delete: input.boolean({
      default: true,
      description: 'Delete objects under the prefix that are no longer in the site (excluded paths are kept).',
    }),
    exclude: input.string({
      default: '',
      description:
        'Comma-separated globs (relative to source-dir) that are neither uploaded nor deleted, e.g. `*.map, ' +
        '.well-known/*`. `*` also matches `/`.',
    }),
    'cache-control-html': input.string({
      default: 'public, max-age=0, must-revalidate',
      description: 'Cache-Control for *.html and *.htm, which must always be revalidated.',
    }),
    'immutable-globs': input.string({
      default: 'assets/*, _next/static/*, static/*',
      description: 'Comma-separated globs of content-hashed files that never change under the same name.',
    }),
    'cache-control-assets': input.string({
      default: 'public, max-age=31536000, immutable',
      description: 'Cache-Control for files matching immutable-globs.',
    }),
    'cache-control-default': input.string({
      default: 'public, max-age=300',
      description: 'Cache-Control for every other file.',
    }),
    'distribution-id': input.string({
      default: '',
      regex: orVariable(orEmpty(CLOUDFRONT_DISTRIBUTION)),
      description: 'CloudFront distribution to invalidate after the upload; empty skips invalidation.',
    }),
    'invalidation-paths': input.string({ default: '/*', description: 'Comma-separated paths to invalidate.' }),
    'invalidate-unchanged': input.boolean({ default: false, description: 'Invalidate even when no file changed.' }),
    'wait-for-invalidation': input.boolean({
      default: false,
      description: 'Wait until CloudFront reports the invalidation completed.',
    }),
    'wait-timeout': input.number({
      default: 900,
      description: 'Seconds to wait for the invalidation before the job fails.',
    }),
    'poll-interval': input.number({ default: 10, description: 'Seconds between invalidation status checks.' }),
    'dry-run': input.boolean({
      default: false,
      description: 'Print what would be uploaded and deleted, change nothing.',
    }),
    'environment-url': input.string({
      default: '',
      description: "The site's URL, written to the dotenv report as SITE_URL.",
    }),
  },
  jobs: ({ inputs, script }) => ({
    [inputs['job-name']]: awsJob(inputs, {
      // One deploy at a time per bucket: a deploy to the root with `delete` touches every prefix.
      // The key never ends in an input, so an empty value cannot end it with '/', which GitLab
      // refuses (and then runs the job without the lock).
      resource_group: 's3-site/$[[ inputs.bucket ]]/deploy',
      // deploy.sh reads every input but the placement, the image and the authentication (awsJob passes those).
      variables: inputVariablesExcept('SITE', inputs, ['stage', 'job-name', 'image', ...Object.keys(authInputs)]),
      script: [script('deploy.sh')],
      artifacts: { reports: { dotenv: 'site.env' } },
    }),
  }),
});
