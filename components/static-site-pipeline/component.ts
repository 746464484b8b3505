import { defineComponent, input, inputVariables, readScript } from '../../src/define/index.js';
import { CLOUDFRONT_DISTRIBUTION, orEmpty, orVariable, S3_BUCKET } from '../../src/define/patterns.js';
import { checkJobs, environmentJobs, pipelineInputs } from '../_pipeline/pipeline.js';
import s3Site from '../s3-site/component.js';

const BUCKET = orVariable(S3_BUCKET);
const DISTRIBUTION = orVariable(orEmpty(CLOUDFRONT_DISTRIBUTION));
const bucket = (env: string) =>
  input.string({
    regex: BUCKET,
    example: `www-example-com-${env}`,
    description:
      `The S3 bucket of the ${env} site` +
      `${env === 'review' ? ' (each merge request gets the prefix review/<branch slug>/)' : ''}.`,
  });
const url = (env: string, example: string) =>
  input.string({
    default: '',
    description:
      `The ${env} site's URL, shown on the environment` +
      `${env === 'review' ? ` (CI/CD variables are expanded: \`${example}\`)` : ''}; empty: none.`,
  });
const distribution = (env: string) =>
  input.string({
    default: '',
    regex: DISTRIBUTION,
    description: [
      `The CloudFront distribution in front of the ${env} bucket,`,
      'invalidated after each deploy; empty: none.',
    ].join(' '),
  });

/** s3-site's own defaults for what this pipeline does not expose (Cache-Control, deletes, waiting). */
const siteDefault = (name: keyof typeof s3Site.inputs) =>
  String((s3Site.inputs[name] as { default?: unknown }).default ?? '');

export default defineComponent({
  name: 'static-site-pipeline',
  source: import.meta.url,
  description:
    'A whole pipeline for a static site on S3 + CloudFront: validate, build, test, a review site per merge ' +
    'request (stopped with the MR), staging on the default branch, production behind a manual gate.',
  componentFields: ['sha'],
  inputs: {
    ...pipelineInputs,
    'build-dir': input.string({
      default: 'public',
      description:
        "The folder the build writes the site to, relative to the project root: the build job's artifact and " +
        'what every deploy uploads.',
    }),
    'review-bucket': bucket('review'),
    'staging-bucket': bucket('staging'),
    'production-bucket': bucket('production'),
    'review-url': url('review', 'https://review.example.com/review/$CI_COMMIT_REF_SLUG/'),
    'staging-url': url('staging', ''),
    'production-url': url('production', ''),
    'staging-distribution-id': distribution('staging'),
    'production-distribution-id': distribution('production'),
  },
  jobs: ({ inputs, script }) => {
    const deploy = readScript(new URL('../s3-site/component.ts', import.meta.url).href, 'deploy.sh');
    const site = (b: string, prefix: string, distributionId: string, environmentUrl: string) => ({
      SITE_SOURCE_DIR: inputs['build-dir'],
      SITE_BUCKET: b,
      SITE_PREFIX: prefix,
      SITE_DISTRIBUTION_ID: distributionId,
      SITE_ENVIRONMENT_URL: environmentUrl,
      SITE_DELETE: siteDefault('delete'),
      SITE_EXCLUDE: siteDefault('exclude'),
      SITE_CACHE_CONTROL_HTML: siteDefault('cache-control-html'),
      SITE_IMMUTABLE_GLOBS: siteDefault('immutable-globs'),
      SITE_CACHE_CONTROL_ASSETS: siteDefault('cache-control-assets'),
      SITE_CACHE_CONTROL_DEFAULT: siteDefault('cache-control-default'),
      SITE_INVALIDATION_PATHS: siteDefault('invalidation-paths'),
      SITE_INVALIDATE_UNCHANGED: siteDefault('invalidate-unchanged'),
      SITE_WAIT_FOR_INVALIDATION: 'true',
      SITE_WAIT_TIMEOUT: siteDefault('wait-timeout'),
      SITE_POLL_INTERVAL: siteDefault('poll-interval'),
      SITE_DRY_RUN: 'false',
    });
    return {
      ...checkJobs(inputs, script, {
        variables: inputVariables('PIPELINE', inputs, ['build-command', 'build-dir'], { literal: ['build-command'] }),
        artifacts: { paths: [inputs['build-dir']], expire_in: '1 week', reports: { dotenv: 'build.env' } },
      }),
      ...environmentJobs(inputs, {
        lock: 'static-site',
        url: '$SITE_URL',
        script: () => [script('announce.sh'), deploy],
        variables: {
          review: site(inputs['review-bucket'], 'review/$CI_COMMIT_REF_SLUG', '', inputs['review-url']),
          staging: site(inputs['staging-bucket'], '', inputs['staging-distribution-id'], inputs['staging-url']),
          production: site(
            inputs['production-bucket'],
            '',
            inputs['production-distribution-id'],
            inputs['production-url'],
          ),
        },
        dotenv: 'site.env',
        stop: {
          variables: { SITE_BUCKET: inputs['review-bucket'], SITE_PREFIX: 'review/$CI_COMMIT_REF_SLUG' },
          script: [script('stop.sh')],
        },
      }),
    };
  },
  readsVariables: ['PIPELINE_BUILD_REF', 'PIPELINE_BUILD_FILES', 'CI_ENVIRONMENT_NAME'],
});
