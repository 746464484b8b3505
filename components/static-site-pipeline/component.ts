import { defineComponent, input, inputVariables, readScript } from '../../src/define/index.js';
import { CLOUDFRONT_DISTRIBUTION, orEmpty, orVariable, S3_BUCKET } from '../../src/define/patterns.js';
import type { Job } from '../../src/model/index.js';
import {
  DEFAULT_BRANCH,
  environmentJob,
  jobName,
  MERGE_REQUEST,
  pipelineInputs,
  deployJob,
  type Environment,
  checkJobs,
} from '../_pipeline/pipeline.js';
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
    description:
      `The CloudFront distribution in front of the ${env} bucket, ` + 'invalidated after each deploy; empty: none.',
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
    const deployTo = (env: Environment, job: Job) =>
      deployJob(inputs, env, job, [script('announce.sh'), deploy], 'site.env');
    return {
      ...checkJobs(inputs, script, {
        variables: inputVariables('PIPELINE', inputs, ['build-command', 'build-dir'], { literal: ['build-command'] }),
        artifacts: { paths: [inputs['build-dir']], expire_in: '1 week', reports: { dotenv: 'build.env' } },
      }),
      [jobName(inputs, 'deploy-review')]: deployTo('review', {
        rules: [MERGE_REQUEST],
        resource_group: 'static-site/review/$CI_COMMIT_REF_SLUG',
        environment: {
          name: 'review/$CI_COMMIT_REF_SLUG',
          url: '$SITE_URL',
          on_stop: jobName(inputs, 'stop-review'),
          auto_stop_in: inputs['review-auto-stop-in'],
          deployment_tier: 'development',
        },
        variables: site(inputs['review-bucket'], 'review/$CI_COMMIT_REF_SLUG', '', inputs['review-url']),
      }),
      [jobName(inputs, 'stop-review')]: environmentJob(inputs, 'review', inputs['review-stage'], {
        rules: [{ ...MERGE_REQUEST, when: 'manual', allow_failure: true }],
        resource_group: 'static-site/review/$CI_COMMIT_REF_SLUG',
        environment: { name: 'review/$CI_COMMIT_REF_SLUG', action: 'stop' },
        // The branch may be gone when the environment stops: nothing to check out, nothing to download.
        variables: {
          GIT_STRATEGY: 'none',
          SITE_BUCKET: inputs['review-bucket'],
          SITE_PREFIX: 'review/$CI_COMMIT_REF_SLUG',
        },
        dependencies: [],
        script: [script('stop.sh')],
      }),
      [jobName(inputs, 'deploy-staging')]: deployTo('staging', {
        rules: [DEFAULT_BRANCH],
        resource_group: 'static-site/staging',
        environment: { name: 'staging', url: '$SITE_URL', deployment_tier: 'staging' },
        variables: site(inputs['staging-bucket'], '', inputs['staging-distribution-id'], inputs['staging-url']),
      }),
      [jobName(inputs, 'deploy-production')]: deployTo('production', {
        // The gate: someone with permission on the protected environment starts it; until then
        // the pipeline is blocked (allow_failure: false), and nothing after it runs.
        rules: [{ ...DEFAULT_BRANCH, when: 'manual', allow_failure: false }],
        resource_group: 'static-site/production',
        environment: { name: 'production', url: '$SITE_URL', deployment_tier: 'production' },
        variables: site(
          inputs['production-bucket'],
          '',
          inputs['production-distribution-id'],
          inputs['production-url'],
        ),
      }),
    };
  },
  readsVariables: ['PIPELINE_BUILD_REF', 'PIPELINE_BUILD_FILES', 'CI_ENVIRONMENT_NAME'],
});
