import { defineComponent, input, inputVariables } from '../../src/define/index.js';
import { orEmpty, orVariable, projectPath } from '../../src/define/patterns.js';
import { imageInput, placementInputs } from '../../src/define/shared-inputs.js';
import { authInputs, authJob } from '../oidc-auth/auth.js';

/**
 * Buildah's own image (Fedora) with buildah and skopeo; the job installs the AWS CLI from Fedora's
 * packages when the image lacks it. Pinned by tag: the catalog's releases move it.
 */
export const BUILDAH_IMAGE = 'quay.io/buildah/stable:v1.39.3';

/** A path in the project: no spaces, options (`-x`), URLs or variables; the script checks it again. */
const PROJECT_PATH = projectPath(1001);

/** Tags: keywords or literal tags, separated by commas, spaces or newlines. */
const TAG_LIST = '^[A-Za-z0-9_][A-Za-z0-9_.,\\s-]{0,1000}$';

/** Platforms, `os/arch[/variant]`, separated by commas or newlines; the script checks each again. */
const PLATFORM = '[a-z0-9]+/[a-z0-9_]+(?:/[a-z0-9]+)?';
const PLATFORM_LIST = `^\\s*(?:${PLATFORM}(?:\\s*[,\\n]\\s*${PLATFORM})*\\s*)?$`;

/** An ECR repository name (AWS's pattern, 2-256 characters). */
const ECR_REPOSITORY = '^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$';

export default defineComponent({
  name: 'image-build',
  source: import.meta.url,
  description:
    'Build a container image from a Dockerfile with Buildah (no Docker daemon, no privileged runner), push it ' +
    "to ECR with the OIDC role or to GitLab's registry, and hand the pushed digest to the deploy (IMAGE_REF in " +
    'dotenv); optional ECR scan gate.',
  inputs: {
    ...placementInputs({ stage: 'build', jobName: 'image-build' }),
    ...authInputs,
    // Not needed for GitLab's registry; the OIDC step reports an empty one when pushing to ECR.
    'role-arn': input.string({
      example: 'arn:aws:iam::123456789012:role/gitlab-image-build',
      default: '',
      regex: orEmpty(authInputs['role-arn'].regex!),
      description: `${authInputs['role-arn'].description} Required for \`registry: ecr\`; unused for \`gitlab\`.`,
    }),
    registry: input.string({
      default: 'ecr',
      options: ['ecr', 'gitlab'],
      description:
        "`ecr`: push to ECR with the OIDC role. `gitlab`: push to the project's container registry " +
        '(`CI_REGISTRY_IMAGE`) with the job token; no AWS.',
    }),
    image: imageInput(
      BUILDAH_IMAGE,
      'The job image: it needs bash, buildah and skopeo (and the AWS CLI, installed with dnf when missing). Pin a ' +
        'tag or a digest.',
    ),
    repository: input.string({
      default: '',
      regex: orEmpty(orVariable(ECR_REPOSITORY)),
      example: 'web',
      description:
        'ECR: the repository name (`web`, `team/web`), or a CI/CD variable holding it; created when missing (see ' +
        "`create-repository`). GitLab: a path under the project's image (`CI_REGISTRY_IMAGE/<path>`); empty for " +
        'the project image itself.',
    }),
    context: input.string({
      default: '.',
      regex: PROJECT_PATH,
      description: 'The build context, relative to the project root (letters, digits and `_.-/`).',
    }),
    dockerfile: input.string({
      default: '',
      regex: orEmpty(PROJECT_PATH),
      description:
        'The Dockerfile or Containerfile, relative to the project root. Empty: `Containerfile`, else `Dockerfile`, ' +
        'in the context.',
    }),
    target: input.string({
      default: '',
      regex: '^([A-Za-z0-9][A-Za-z0-9_.-]{0,127})?$',
      description: 'The stage of a multi-stage Dockerfile to build (`--target`). Empty: the last stage.',
    }),
    'build-args': input.string({
      default: '',
      description:
        'Build arguments, one `NAME=value` per line (the value runs to the end of the line). CI/CD variables in ' +
        'values are expanded; never pass secrets this way (they stay in the image history).',
    }),
    tags: input.string({
      default: 'sha, branch, semver',
      regex: TAG_LIST,
      description:
        'Tags to push, separated by commas or newlines: `sha` (the commit SHA), `short-sha`, `branch` (the ' +
        "branch's slug, in branch pipelines), `semver` / `semver-minor` / `semver-major` (1.2.3 / 1.2 / 1 from a " +
        '`v1.2.3` or `1.2.3` Git tag; the last two not for pre-releases), `latest` (default branch only), or a ' +
        'literal tag.',
    }),
    platforms: input.string({
      default: '',
      regex: PLATFORM_LIST,
      example: 'linux/amd64, linux/arm64',
      description:
        "Platforms to build for, separated by commas. Empty: the runner's own, one image. One: one image for it. " +
        'Two or more: one image each, pushed as one image index (manifest list) under the tags; IMAGE_REF is the ' +
        "index's digest. `RUN` steps for a platform that is not the runner's need QEMU emulation on the runner host " +
        '(see the docs).',
    }),
    'create-repository': input.boolean({
      default: true,
      description: 'Create the ECR repository when it does not exist, with the two settings below.',
    }),
    'create-on-push': input.boolean({
      default: false,
      description:
        "The account has an ECR repository creation template for `CREATE_ON_PUSH` that covers this repository's " +
        'name: a missing repository (and `<repository>/build-cache`) is left for ECR to create at the first push, ' +
        "with the template's settings, and the job never calls `CreateRepository` (`create-repository`, " +
        '`scan-on-push` and `tag-immutability` then apply to nothing). An existing repository is checked as ' +
        'usual, IMMUTABLE tags included.',
    }),
    'scan-on-push': input.boolean({
      default: true,
      description: 'ECR scans every pushed image (basic scanning), for a repository this job creates.',
    }),
    'tag-immutability': input.string({
      default: 'MUTABLE',
      options: ['MUTABLE', 'IMMUTABLE'],
      description:
        'Tag mutability of a repository this job creates. With IMMUTABLE, the job fails before building when a ' +
        'tag it would push already exists (`branch` and `latest` tags can then be pushed once only).',
    }),
    cache: input.boolean({
      default: false,
      description:
        'Reuse and store layers in the registry (`buildah --layers --cache-from/--cache-to`), in the repository ' +
        '`<repository>/build-cache` (created MUTABLE): a fresh runner skips unchanged steps. Pays off for expensive ' +
        'steps only (the docs give the numbers).',
    }),
    'scan-severity-threshold': input.string({
      default: 'none',
      options: ['none', 'CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'],
      description:
        "Wait for ECR's scan of the pushed image and fail when it has findings of this severity or higher (all " +
        'findings are listed in the trace). `none`: no gate.',
    }),
    'scan-timeout': input.number({
      default: 600,
      description: 'Seconds to wait for the scan to complete before the gate fails.',
    }),
    builder: input.string({
      default: 'buildah',
      options: ['buildah', 'buildkit'],
      description:
        '`buildah`: Buildah, in the default image. `buildkit`: BuildKit daemonless (a `buildkitd` of the job only, ' +
        "as GitLab's BuildKit docs run it; `BUILDKITD_FLAGS` adds its flags); the `image` must then have bash, " +
        '`buildctl`, `buildkitd`, skopeo and the AWS CLI. Tags, labels, digest and report are the same; the docs ' +
        'list the runner settings each needs.',
    }),
    isolation: input.string({
      default: 'chroot',
      options: ['chroot', 'oci', 'rootless'],
      description:
        'How `RUN` steps are isolated (Buildah). `chroot` needs no user namespaces (works on GitLab.com SaaS runners ' +
        'and unprivileged Kubernetes pods); `oci`/`rootless` need what the docs list.',
    }),
    'storage-driver': input.string({
      default: 'vfs',
      options: ['vfs', 'overlay'],
      description:
        '`vfs` works everywhere (copies layers: slower, more disk); `overlay` needs `/dev/fuse` (fuse-overlayfs) or ' +
        'a kernel that allows unprivileged overlay mounts.',
    }),
  },
  jobs: ({ inputs, script }) => {
    const auth = authJob(inputs);
    return {
      [inputs['job-name']]: {
        stage: inputs.stage,
        image: { name: inputs.image, entrypoint: [''] },
        id_tokens: auth.id_tokens,
        // The OIDC step only for ECR: GitLab's registry takes the job token, and needs no role.
        before_script: [`if [ "$BUILD_REGISTRY" != gitlab ]; then\n${auth.before_script![0]}fi`],
        variables: {
          ...auth.variables,
          ...inputVariables('BUILD', inputs, [
            'registry',
            'repository',
            'context',
            'dockerfile',
            'target',
            'build-args',
            'platforms',
            'tags',
            'create-repository',
            'create-on-push',
            'scan-on-push',
            'tag-immutability',
            'cache',
            'scan-severity-threshold',
            'scan-timeout',
            'builder',
            'isolation',
            'storage-driver',
          ]),
        },
        script: [script('build.sh')],
        artifacts: { reports: { dotenv: 'image.env' } },
      },
    };
  },
  // GitLab's BuildKit docs' CI/CD variable for buildkitd's flags (builder: buildkit).
  readsVariables: ['BUILDKITD_FLAGS'],
  toolActions: {
    // buildah and skopeo speak the registry API with the token from `aws ecr get-login-password`;
    // ECR authorizes each of their requests as these actions of the role.
    'buildah push/pull and skopeo inspect (the registry API)': [
      'ecr:BatchCheckLayerAvailability',
      'ecr:InitiateLayerUpload',
      'ecr:UploadLayerPart',
      'ecr:CompleteLayerUpload',
      'ecr:PutImage',
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
    ],
  },
});
