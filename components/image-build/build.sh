#!/usr/bin/env bash
# shellcheck shell=bash
# shellcheck disable=SC2016 # backticks in single quotes are JMESPath literals, not shell
# Builds an image with Buildah (no daemon), pushes it to ECR with the OIDC role, reads the digest
# back from the registry and writes it to the dotenv report; optionally gates on ECR's scan.
#
# The digest handed to the deploy is the sha256 of the manifest bytes the registry serves for the
# pushed tag, checked against the digest buildah reports and fetched again by digest: an empty or
# wrong digest output is the most common complaint about image build steps.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=image-build

: > image.env

# ---------------------------------------------------------------- inputs
# Inputs may be CI/CD variable references, and a CI/CD variable of the same name overrides a job
# variable, so every value is checked here as the job sees it.
case "${BUILD_REGISTRY:-}" in
  ecr | gitlab) ;;
  *) bad_input registry "'${BUILD_REGISTRY:-}' is not ecr or gitlab" "give ecr or gitlab" ;;
esac
gitlab="$([ "$BUILD_REGISTRY" = gitlab ] && echo true || echo false)"
repository="$(trim "${BUILD_REPOSITORY:-}")"
if [ -z "$repository" ] && ! is_true "$gitlab"; then
  bad_input repository "is empty" "give the ECR repository name, such as web (if you pass a variable, define it for this pipeline)"
fi
if [ -n "$repository" ] && { ! [[ "$repository" =~ ^([a-z0-9]+([._-][a-z0-9]+)*/)*[a-z0-9]+([._-][a-z0-9]+)*$ ]] || [ "${#repository}" -gt 256 ]; }; then
  bad_input repository "'$repository' is not a repository path" "use lowercase letters, digits and ._-/, such as team/web"
fi
[ "${#repository}" -ne 1 ] || is_true "$gitlab" || bad_input repository "'$repository' is shorter than ECR's 2 characters" "give a longer name"

create_repository="$(bool create-repository "${BUILD_CREATE_REPOSITORY:-}")"
create_on_push="$(bool create-on-push "${BUILD_CREATE_ON_PUSH:-}")"
scan_on_push="$(bool scan-on-push "${BUILD_SCAN_ON_PUSH:-}")"
cache="$(bool cache "${BUILD_CACHE:-}")"
scan_timeout="$(uint scan-timeout "${BUILD_SCAN_TIMEOUT:-}")"
case "${BUILD_TAG_IMMUTABILITY:-}" in
  MUTABLE | IMMUTABLE) ;;
  *) bad_input tag-immutability "'${BUILD_TAG_IMMUTABILITY:-}' is not MUTABLE or IMMUTABLE" "give MUTABLE or IMMUTABLE" ;;
esac
case "${BUILD_SCAN_SEVERITY_THRESHOLD:-}" in
  none | CRITICAL | HIGH | MEDIUM | LOW | INFORMATIONAL) ;;
  *) bad_input scan-severity-threshold "'${BUILD_SCAN_SEVERITY_THRESHOLD:-}' is not a severity" "give none, CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL" ;;
esac
case "${BUILD_BUILDER:-}" in
  buildah | buildkit) ;;
  *) bad_input builder "'${BUILD_BUILDER:-}' is not buildah or buildkit" "give buildah (the default) or buildkit" ;;
esac
buildkit="$([ "$BUILD_BUILDER" = buildkit ] && echo true || echo false)"
case "${BUILD_ISOLATION:-}" in
  chroot | oci | rootless) ;;
  *) bad_input isolation "'${BUILD_ISOLATION:-}' is not chroot, oci or rootless" "give chroot (works without user namespaces), oci or rootless" ;;
esac
case "${BUILD_STORAGE_DRIVER:-}" in
  vfs | overlay) ;;
  *) bad_input storage-driver "'${BUILD_STORAGE_DRIVER:-}' is not vfs or overlay" "give vfs (works everywhere) or overlay" ;;
esac

context="$(path_arg context "${BUILD_CONTEXT:-}")"
[ -d "$context" ] || bad_input context "'${BUILD_CONTEXT:-}' is not a directory in the project" "give the build context's folder relative to the project root, such as . or app"
if [ -n "${BUILD_DOCKERFILE:-}" ]; then
  dockerfile="$(path_arg dockerfile "$BUILD_DOCKERFILE")"
  [ -f "$dockerfile" ] || bad_input dockerfile "'${BUILD_DOCKERFILE}' is not a file in the project" "give the Dockerfile's path relative to the project root, such as app/Dockerfile"
elif [ -f "$context/Containerfile" ]; then
  dockerfile="$context/Containerfile"
elif [ -f "$context/Dockerfile" ]; then
  dockerfile="$context/Dockerfile"
else
  bad_input dockerfile "is empty and the context '${BUILD_CONTEXT:-}' has neither a Containerfile nor a Dockerfile" "add one, or give its path"
fi
target="${BUILD_TARGET:-}"
[[ "$target" =~ ^([A-Za-z0-9][A-Za-z0-9_.-]{0,127})?$ ]] || bad_input target "'$target' is not a build stage name" "give the name after AS in a FROM line, or leave it empty"

build_args=()
while IFS= read -r line; do
  line="$(trim "$line")"
  [ -n "$line" ] || continue
  [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || bad_input build-args "'${line}' is not NAME=value" "give one NAME=value per line, with NAME made of letters, digits and _"
  build_args+=("$line")
done < <(printf '%s\n' "${BUILD_BUILD_ARGS:-}")

# Platforms: none = the runner's own (one image, as before); one = one image for it; two or
# more = one image each, pushed as an image index (manifest list) under the tags.
platforms=()
while IFS= read -r item; do
  [[ "$item" =~ ^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$ ]] ||
    bad_input platforms "'$item' is not a platform" "give os/arch[/variant] items separated by commas, such as linux/amd64, linux/arm64"
  for p in "${platforms[@]}"; do [ "$p" != "$item" ] || continue 2; done
  platforms+=("$item")
done < <(split_list "${BUILD_PLATFORMS:-}")
multi="$([ "${#platforms[@]}" -gt 1 ] && echo true || echo false)"

# ---------------------------------------------------------------- tags
# semver X.Y.Z[-pre][+build] from a Git tag v1.2.3 or 1.2.3; + is not allowed in an image tag.
semver=""
if [[ "${CI_COMMIT_TAG:-}" =~ ^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]]; then
  semver_major="${BASH_REMATCH[1]}" semver_minor="${BASH_REMATCH[2]}" semver_patch="${BASH_REMATCH[3]}" semver_pre="${BASH_REMATCH[4]}"
  semver="${semver_major}.${semver_minor}.${semver_patch}${semver_pre}"
fi
tags=()
add_tag() {
  local t
  for t in "${tags[@]}"; do [ "$t" != "$1" ] || return 0; done
  tags+=("$1")
}
while IFS= read -r item; do
  case "$item" in
    sha) add_tag "${CI_COMMIT_SHA:?CI_COMMIT_SHA is not set}" ;;
    short-sha) add_tag "${CI_COMMIT_SHORT_SHA:?CI_COMMIT_SHORT_SHA is not set}" ;;
    branch)
      if [ -n "${CI_COMMIT_BRANCH:-}" ]; then add_tag "${CI_COMMIT_REF_SLUG:?CI_COMMIT_REF_SLUG is not set}"; else say "tag 'branch' skipped: this is not a branch pipeline"; fi ;;
    latest)
      if [ -n "${CI_COMMIT_BRANCH:-}" ] && [ "${CI_COMMIT_BRANCH}" = "${CI_DEFAULT_BRANCH:-}" ]; then add_tag latest; else say "tag 'latest' skipped: this is not a pipeline of the default branch"; fi ;;
    semver | semver-minor | semver-major)
      if [ -z "$semver" ]; then
        say "tag '$item' skipped: this pipeline is not for a Git tag such as v1.2.3"
      elif [ "$item" = semver ]; then
        add_tag "$semver"
      elif [ -n "$semver_pre" ]; then
        say "tag '$item' skipped: ${CI_COMMIT_TAG} is a pre-release"
      elif [ "$item" = semver-minor ]; then
        add_tag "${semver_major}.${semver_minor}"
      else
        add_tag "$semver_major"
      fi ;;
    *)
      [[ "$item" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] ||
        bad_input tags "'$item' is neither a keyword (sha, short-sha, branch, semver, semver-minor, semver-major, latest) nor an image tag" "give keywords or tags of letters, digits and _.- (at most 128, not starting with . or -)"
      add_tag "$item" ;;
  esac
done < <(split_list "${BUILD_TAGS:-}")
[ "${#tags[@]}" -gt 0 ] || bad_input tags "gives no tag in this pipeline" "add sha, which every pipeline has"

if is_true "$gitlab" && [ "$BUILD_SCAN_SEVERITY_THRESHOLD" != none ]; then
  bad_input scan-severity-threshold "gates on ECR's scan, and registry is gitlab" "use GitLab's container scanning for images in GitLab's registry, and set scan-severity-threshold: none"
fi
if is_true "$gitlab" && { [ -z "${CI_REGISTRY:-}" ] || [ -z "${CI_REGISTRY_IMAGE:-}" ]; }; then
  fail "GitLab's container registry is not available to this job (CI_REGISTRY is empty): turn it on for the project (Settings > General > Visibility > Container registry), or push to ECR with registry: ecr."
fi

# ---------------------------------------------------------------- tools
# The default image (buildah's own, Fedora) has no AWS CLI: install Fedora's package once.
if ! is_true "$gitlab" && ! type -P aws > /dev/null; then
  if type -P dnf > /dev/null; then
    say "the job image has no AWS CLI; installing Fedora's awscli2 (use an image with the AWS CLI to skip this)"
    dnf -y -q install awscli2 > "$CATALOG_JOB_DIR/dnf.log" 2>&1 || fail "installing the AWS CLI failed: $(tail -n 5 -- "$CATALOG_JOB_DIR/dnf.log"). Use a job image with bash, buildah, skopeo and the AWS CLI (the 'image' input)."
  else
    fail "the job image has no AWS CLI. Use an image with bash, buildah, skopeo and the AWS CLI (the 'image' input)."
  fi
fi
if is_true "$buildkit"; then
  for tool in buildctl buildkitd skopeo; do
    type -P "$tool" > /dev/null || fail "the job image has no $tool, which builder: buildkit needs. Use an image with bash, buildctl, buildkitd, skopeo and the AWS CLI (the 'image' input; the docs show one), or builder: buildah with the default image."
  done
else
  for tool in buildah skopeo; do
    type -P "$tool" > /dev/null || fail "the job image has no $tool. Use an image with bash, buildah, skopeo and the AWS CLI (the 'image' input), such as quay.io/buildah/stable."
  done
fi

# Images, layers and registry logins live in the job-private directory, removed when the job
# ends: nothing is left for the next job on a shell runner.
# (Docker's config.json format, which buildctl reads through DOCKER_CONFIG and skopeo and buildah as an auth file.)
mkdir -p "$CATALOG_JOB_DIR/docker"
export REGISTRY_AUTH_FILE="$CATALOG_JOB_DIR/docker/config.json"
storage="$CATALOG_JOB_DIR/containers"
buildah_=(buildah --storage-driver="$BUILD_STORAGE_DRIVER" --root="$storage/storage" --runroot="$storage/run")

# ---------------------------------------------------------------- repository
# repository_info NAME: prints "<uri> <mutability>", or fails; returns 3 when the repository is missing.
repository_info() {
  local out
  if out="$(aws_call ecr describe-repositories --repository-names="$1" --query 'repositories[0].[repositoryUri,imageTagMutability]' --output text)"; then
    printf '%s' "$out"
    return 0
  fi
  case "$(aws_error)" in
    *RepositoryNotFoundException*) return 3 ;;
  esac
  aws_failed "reading the ECR repository '$1'" "" "check the 'repository' and 'region' inputs"
}

# ensure_repository NAME MUTABILITY SCAN: prints "<uri> <mutability>", creating the repository when allowed;
# with create-on-push, "<uri> ON-PUSH" for a missing one, which ECR creates from the account's template.
ensure_repository() {
  local info rc=0 endpoint
  info="$(repository_info "$1")" || rc=$?
  if [ "$rc" = 0 ]; then
    printf '%s' "$info"
    return 0
  fi
  [ "$rc" = 3 ] || exit "$rc"
  if is_true "$create_on_push"; then
    # The registry's address without a repository to name it: the login token's endpoint.
    endpoint="$(aws_call ecr get-authorization-token --query 'authorizationData[0].proxyEndpoint' --output text)" ||
      aws_failed "reading ECR's registry address" "" "check the role's ecr:GetAuthorizationToken permission (Resource \"*\")"
    [[ "$endpoint" =~ ^https://([A-Za-z0-9.:-]+)/?$ ]] || fail "ECR answered with an unexpected registry address '$endpoint'."
    printf '%s ON-PUSH' "${BASH_REMATCH[1]}/$1"
    return 0
  fi
  is_true "$create_repository" || fail "the ECR repository '$1' does not exist in ${OIDC_REGION:-the region}. Create it, or set 'create-repository: true'."
  if info="$(aws_call ecr create-repository --repository-name="$1" --image-tag-mutability="$2" \
    --image-scanning-configuration="scanOnPush=$3" --query 'repository.[repositoryUri,imageTagMutability]' --output text)"; then
    say "created ECR repository $1 (tags ${2}, scan on push: $3)" >&2
    printf '%s' "$info"
    return 0
  fi
  # Another pipeline created it a moment ago.
  case "$(aws_error)" in *RepositoryAlreadyExistsException*) repository_info "$1" && return 0 ;; esac
  aws_failed "creating the ECR repository '$1'" "" "create it by hand, or give the role ecr:CreateRepository"
}

if is_true "$gitlab"; then
  # GitLab's registry has no tag immutability to check and creates repositories on push.
  uri="${CI_REGISTRY_IMAGE}${repository:+/$repository}"
  registry="$CI_REGISTRY"
  mutability=MUTABLE
  say "repository $uri (GitLab's container registry)"
else
  info="$(ensure_repository "$repository" "$BUILD_TAG_IMMUTABILITY" "$scan_on_push")"
  read -r uri mutability <<< "$info"
  [[ "$uri" =~ ^[A-Za-z0-9.:-]+/[a-z0-9._/-]+$ ]] || fail "ECR answered with an unexpected repository URI '$uri' for '$repository'."
  registry="${uri%%/*}"
  if [ "$mutability" = ON-PUSH ]; then
    say "repository $uri does not exist yet: ECR creates it at the first push from the account's repository creation template (create-on-push: true)"
  else
    say "repository $uri (tags $mutability)"
  fi
fi

# A tag that already exists in an IMMUTABLE repository would fail the push after the whole build.
if [ "$mutability" = IMMUTABLE ]; then
  taken=()
  for tag in "${tags[@]}"; do
    if found="$(aws_call ecr describe-images --repository-name="$repository" --image-ids="imageTag=$tag" \
      --query 'imageDetails[0].[imageDigest,imagePushedAt]' --output text)"; then
      taken+=("$tag (${found//$'\t'/ pushed })")
    else
      case "$(aws_error)" in
        *ImageNotFoundException*) ;;
        *) aws_failed "checking whether tag '$tag' exists in '$repository'" "" "check the role's ecr:DescribeImages permission" ;;
      esac
    fi
  done
  if [ "${#taken[@]}" -gt 0 ]; then
    for t in "${taken[@]}"; do echo "${catalog_component}: error: tag $t already exists" >&2; done
    fail "the repository '$repository' has IMMUTABLE tags and already holds the tag(s) above, so the push would be refused after the build; nothing was built or pushed. Push only tags that never repeat (tags: sha), or use a MUTABLE repository."
  fi
fi

cache_uri=""
if is_true "$cache" && is_true "$gitlab"; then
  cache_uri="$uri/build-cache"
elif is_true "$cache"; then
  # Cache tags are content hashes written again by every build: the cache repository stays MUTABLE.
  read -r cache_uri _ <<< "$(ensure_repository "$repository/build-cache" MUTABLE false)"
fi

# ---------------------------------------------------------------- login
if is_true "$gitlab"; then
  # CI_REGISTRY_PASSWORD is the job token: valid while the job runs, for this project's registry.
  login_user="${CI_REGISTRY_USER:-gitlab-ci-token}"
  password="${CI_REGISTRY_PASSWORD:-${CI_JOB_TOKEN:-}}"
  [ -n "$password" ] || fail "neither CI_REGISTRY_PASSWORD nor CI_JOB_TOKEN is set: GitLab sets them in every job; a variable of that name must not override them."
else
  login_user=AWS
  password="$(aws_call ecr get-login-password)" || aws_failed "getting an ECR login token" "" "check the role's ecr:GetAuthorizationToken permission (Resource \"*\")"
fi
if is_true "$buildkit"; then
  # buildctl has no login command: the credentials go into the auth file it reads, which only this job can read.
  printf '{"auths":{%s:{"auth":%s}}}\n' "$(json_str "$registry")" "$(json_str "$(printf '%s:%s' "$login_user" "$password" | base64 -w0)")" > "$REGISTRY_AUTH_FILE"
  skopeo login --get-login -- "$registry" > /dev/null 2>&1 || fail "writing the registry login for $registry failed."
else
  printf '%s' "$password" | buildah login --username="$login_user" --password-stdin -- "$registry" > /dev/null 2> "$CATALOG_JOB_DIR/login-error" ||
    fail "logging in to $registry as $login_user failed: $(tail -n 3 -- "$CATALOG_JOB_DIR/login-error")"
fi
unset password
say "logged in to $registry"

# ---------------------------------------------------------------- build
created="${CI_PIPELINE_CREATED_AT:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"
labels=(
  "org.opencontainers.image.created=$created"
  "org.opencontainers.image.revision=${CI_COMMIT_SHA:-}"
  "org.opencontainers.image.source=${CI_PROJECT_URL:-}"
  "org.opencontainers.image.url=${CI_PROJECT_URL:-}"
  "org.opencontainers.image.title=${CI_PROJECT_NAME:-}"
  "org.opencontainers.image.version=${semver:-${CI_COMMIT_SHORT_SHA:-}}"
  "org.opencontainers.image.ref.name=${CI_COMMIT_REF_NAME:-}"
  "com.gitlab.ci.pipeline.url=${CI_PIPELINE_URL:-}"
  "com.gitlab.ci.job.url=${CI_JOB_URL:-}"
)
build=("${buildah_[@]}" bud --isolation="$BUILD_ISOLATION" --format=oci --file="$dockerfile" --layers="$cache")
[ -z "$target" ] || build+=(--target="$target")
for arg in "${build_args[@]}"; do build+=(--build-arg="$arg"); done
for label in "${labels[@]}"; do build+=(--label="$label" --annotation="$label"); done
case "$(uname -m)" in
  x86_64) native=linux/amd64 ;; aarch64 | arm64) native=linux/arm64 ;; *) native="linux/$(uname -m)" ;;
esac
if is_true "$multi"; then
  # One image per platform, collected in a local index that is pushed whole (manifest push --all).
  index="image-build-index"
  build+=(--platform="$(IFS=,; echo "${platforms[*]}")" --manifest="$index")
else
  [ "${#platforms[@]}" -eq 0 ] || build+=(--platform="${platforms[0]}")
  for tag in "${tags[@]}"; do build+=(--tag="$uri:$tag"); done
fi
[ -z "$cache_uri" ] || build+=(--cache-from="$cache_uri" --cache-to="$cache_uri")
# RUN steps run the Dockerfile's commands: they get a clean environment, never the job's (its ID
# token, CI_JOB_TOKEN, the role's session), whatever the isolation.
clean_env=(env -i "PATH=$PATH" "HOME=$CATALOG_JOB_DIR/home" "REGISTRY_AUTH_FILE=$REGISTRY_AUTH_FILE" "DOCKER_CONFIG=$CATALOG_JOB_DIR/docker")
for name in TMPDIR SSL_CERT_FILE SSL_CERT_DIR HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  [ -z "${!name:-}" ] || clean_env+=("$name=${!name}")
done
for_platforms="$(IFS=,; echo "${platforms[*]}")"
for_platforms="${for_platforms//,/, }"
[ -n "$for_platforms" ] || for_platforms="the runner's platform ($native)"
if is_true "$buildkit"; then
  # BuildKit daemonless, as GitLab's docs run it (buildctl-daemonless.sh): a buildkitd of this job
  # only, on a socket and state in the job-private directory, stopped when the job ends.
  # BUILDKITD_FLAGS (a CI/CD variable) adds flags such as --oci-worker-no-process-sandbox.
  read -ra buildkitd_flags <<< "${BUILDKITD_FLAGS:-}"
  buildkit_addr="unix://$CATALOG_JOB_DIR/buildkitd.sock"
  "${clean_env[@]}" buildkitd --root="$CATALOG_JOB_DIR/buildkit" --addr="$buildkit_addr" "${buildkitd_flags[@]}" > "$CATALOG_JOB_DIR/buildkitd.log" 2>&1 &
  buildkitd_pid=$!
  stop_buildkitd() { kill "$buildkitd_pid" 2> /dev/null && wait "$buildkitd_pid" 2> /dev/null; return 0; }
  catalog_exit_hook=stop_buildkitd
  for _ in $(seq 1 150); do
    buildctl --addr="$buildkit_addr" debug workers > /dev/null 2>&1 && break
    kill -0 "$buildkitd_pid" 2> /dev/null || fail "buildkitd stopped as it started: $(tail -n 5 -- "$CATALOG_JOB_DIR/buildkitd.log"). The docs list the runner settings BuildKit needs."
    sleep 0.2
  done
  buildctl --addr="$buildkit_addr" debug workers > /dev/null 2>&1 || fail "buildkitd did not answer within 30 s: $(tail -n 5 -- "$CATALOG_JOB_DIR/buildkitd.log")"
  # CSV fields of --output: a quote inside a value is doubled.
  csv() { printf '"%s"' "${1//\"/\"\"}"; }
  names=""
  for tag in "${tags[@]}"; do names+="${names:+,}$uri:$tag"; done
  output="type=image,$(csv "name=$names"),push=true,oci-mediatypes=true"
  build=(buildctl --addr="$buildkit_addr" build --progress=plain --frontend=dockerfile.v0
    --local="context=$context" --local="dockerfile=$(dirname -- "$dockerfile")" --opt="filename=$(basename -- "$dockerfile")"
    --metadata-file="$CATALOG_JOB_DIR/metadata.json")
  [ -z "$target" ] || build+=(--opt="target=$target")
  for arg in "${build_args[@]}"; do build+=(--opt="build-arg:$arg"); done
  for label in "${labels[@]}"; do
    build+=(--opt="label:$label")
    output+=",$(csv "annotation.$label")"
  done
  [ "${#platforms[@]}" -eq 0 ] || build+=(--opt="platform=$(IFS=,; echo "${platforms[*]}")")
  # ECR takes a registry cache only as an image manifest with OCI media types.
  [ -z "$cache_uri" ] || build+=(--export-cache="type=registry,ref=$cache_uri:buildkit,mode=max,image-manifest=true,oci-mediatypes=true" --import-cache="type=registry,ref=$cache_uri:buildkit")
  build+=(--output="$output")
fi
say "building $dockerfile (context $context${target:+, target $target}) with $BUILD_BUILDER for $for_platforms as ${tags[*]}"
build_started="$(date +%s%N)"
context_arg=(-- "$context")
! is_true "$buildkit" || context_arg=()
if ! "${clean_env[@]}" "${build[@]}" "${context_arg[@]}" 2>&1 | tee "$CATALOG_JOB_DIR/build.log"; then
  if grep -q 'exec format error' "$CATALOG_JOB_DIR/build.log"; then
    foreign=()
    for p in "${platforms[@]}"; do [ "${p#"$native"}" = "$p" ] && foreign+=("$p"); done
    # The kernel refused a program of another CPU: no emulator is registered on the runner's host.
    # A job cannot see that beforehand (binfmt_misc is the host's, usually not visible in a job).
    foreign_list="${foreign[*]}"
    fail "a RUN step could not start a program built for another CPU (exec format error) while building for ${foreign_list:-a base image that is not $native}: the runner's host ($native) runs no emulator for it, and nothing was pushed. Either register QEMU's user-mode emulators on the runner's host (the docs say how), or keep RUN steps out of the stages built for those platforms (COPY files built beforehand, or run them in a stage FROM --platform=$native), or drop those platforms from the 'platforms' input."
  fi
  ! is_true "$buildkit" ||
    fail "the build or its push failed (BuildKit's output is above; it pushes as it builds). Fix the Dockerfile or the build-args, or what the registry said, and run the job again."
  fail "the build failed (buildah's output is above); nothing was pushed. Fix the Dockerfile or the build-args, and run the job again."
fi
say "built in $((($(date +%s%N) - build_started) / 1000000)) ms${cache_uri:+ (layer cache: $cache_uri)}"

# ---------------------------------------------------------------- push
pushed=()
digest=""
if is_true "$buildkit"; then
  # BuildKit pushed every tag as it built; its metadata names the digest of what it pushed.
  [[ "$(cat -- "$CATALOG_JOB_DIR/metadata.json")" =~ \"containerimage\.digest\"[[:space:]]*:[[:space:]]*\"(sha256:[0-9a-f]{64})\" ]] &&
    digest="${BASH_REMATCH[1]}"
  pushed=("${tags[@]}")
fi
for tag in "${tags[@]}"; do
  is_true "$buildkit" && break
  if is_true "$multi"; then
    push=("${buildah_[@]}" manifest push --all --format=oci --quiet --digestfile="$CATALOG_JOB_DIR/digest" -- "$index" "docker://$uri:$tag")
  else
    push=("${buildah_[@]}" push --quiet --digestfile="$CATALOG_JOB_DIR/digest" -- "$uri:$tag" "docker://$uri:$tag")
  fi
  if ! "${push[@]}" 2> "$CATALOG_JOB_DIR/push-error"; then
    echo "${catalog_component}: error: pushing $uri:$tag failed: $(tail -n 5 -- "$CATALOG_JOB_DIR/push-error")" >&2
    if [ "${#pushed[@]}" -gt 0 ]; then echo "${catalog_component}: already pushed: ${pushed[*]}" >&2; else echo "${catalog_component}: nothing was pushed." >&2; fi
    if is_true "$gitlab"; then
      fail "the registry refused the push: check that the project's container registry is on and not read-only, and its storage quota; then run the job again."
    fi
    [ "$mutability" != ON-PUSH ] ||
      fail "ECR refused the push into '$repository', which did not exist: with create-on-push: true, ECR creates a repository only when a repository creation template for CREATE_ON_PUSH covers its name (its prefix, or ROOT). Check the registry's repository creation templates (ECR console: Private registry, Repository creation templates), or set create-on-push: false so that the job creates it (the role then needs ecr:CreateRepository)."
    fail "the registry refused the push: check the role's ECR push permissions (the docs list them), that the tag is not taken in an IMMUTABLE repository, and the registry's status; then run the job again."
  fi
  one="$(cat -- "$CATALOG_JOB_DIR/digest")"
  [ -z "$digest" ] || [ "$one" = "$digest" ] || fail "buildah pushed $uri:$tag as $one but the earlier tags as $digest."
  digest="$one"
  pushed+=("$tag")
done

# ---------------------------------------------------------------- digest, read back
skopeo inspect --raw -- "docker://$uri:${tags[0]}" > "$CATALOG_JOB_DIR/manifest.json" 2> "$CATALOG_JOB_DIR/inspect-error" ||
  fail "reading $uri:${tags[0]} back from the registry failed: $(tail -n 3 -- "$CATALOG_JOB_DIR/inspect-error")"
served="sha256:$(sha256sum < "$CATALOG_JOB_DIR/manifest.json" | cut -d' ' -f1)"
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "$BUILD_BUILDER reported no digest for the push ('$digest'); the registry serves $served."
[ "$served" = "$digest" ] || fail "the registry serves $uri:${tags[0]} as $served, not the $digest just pushed (another pipeline pushed the same tag meanwhile?); refusing to hand on an ambiguous image."
skopeo inspect --raw -- "docker://$uri@$digest" > /dev/null 2> "$CATALOG_JOB_DIR/inspect-error" ||
  fail "the registry does not serve $uri@$digest: $(tail -n 3 -- "$CATALOG_JOB_DIR/inspect-error")"

# Platforms asked for: each image read back from its own config, so the report never names a
# platform the registry does not serve. An index holds exactly the platforms asked, no more.
is_index() { grep -qE '"mediaType"[[:space:]]*:[[:space:]]*"application/vnd\.(oci\.image\.index\.v1|docker\.distribution\.manifest\.list\.v2)\+json"' -- "$1"; }
# platform_of DIGEST: os/arch[/variant] of that image, as its config says (arm64/v8 and amd64/v1 as arm64 and amd64).
platform_of() {
  local p config
  if ! p="$(skopeo inspect --format '{{.Os}}/{{.Architecture}}' -- "docker://$uri@$1" 2> "$CATALOG_JOB_DIR/inspect-error")" ||
    ! config="$(skopeo inspect --config --raw -- "docker://$uri@$1" 2> "$CATALOG_JOB_DIR/inspect-error")"; then
    fail "reading the platform of $uri@$1 back from the registry failed: $(tail -n 3 -- "$CATALOG_JOB_DIR/inspect-error")"
  fi
  [[ "$config" =~ \"variant\"[[:space:]]*:[[:space:]]*\"([A-Za-z0-9]+)\" ]] && p="$p/${BASH_REMATCH[1]}"
  normal_platform "$p"
}
normal_platform() { case "$1" in */arm64/v8) echo "${1%/v8}" ;; */amd64/v1) echo "${1%/v1}" ;; *) echo "$1" ;; esac; }
images=("$digest")
served_platforms=()
if is_true "$multi"; then
  is_index "$CATALOG_JOB_DIR/manifest.json" || fail "the registry serves $uri@$digest as a single image, not the image index of ${platforms[*]} just pushed."
  mapfile -t images < <(grep -oE '"digest"[[:space:]]*:[[:space:]]*"sha256:[0-9a-f]{64}"' -- "$CATALOG_JOB_DIR/manifest.json" | grep -oE 'sha256:[0-9a-f]{64}')
  [ "${#images[@]}" -eq "${#platforms[@]}" ] || fail "the index $uri@$digest lists ${#images[@]} image(s), not the ${#platforms[@]} platforms asked (${platforms[*]})."
elif [ "${#platforms[@]}" -eq 1 ] && is_index "$CATALOG_JOB_DIR/manifest.json"; then
  fail "the registry serves $uri@$digest as an image index, not the single ${platforms[0]} image just pushed."
fi
if [ "${#platforms[@]}" -eq 0 ]; then
  served_platforms=("$(platform_of "$digest")")
else
  for one_image in "${images[@]}"; do
    p="$(platform_of "$one_image")"
    ok=false
    for want in "${platforms[@]}"; do [ "$(normal_platform "$want")" != "$p" ] || ok=true; done
    for seen in "${served_platforms[@]}"; do [ "$seen" != "$p" ] || ok=false; done
    is_true "$ok" || fail "$uri@$digest holds an image for $p, which the 'platforms' input (${platforms[*]}) did not ask for or asked once only."
    served_platforms+=("$p")
    say "platform $p: $uri@$one_image"
  done
fi

dotenv_set image.env IMAGE_DIGEST "$digest"
dotenv_set image.env IMAGE_REF "$uri@$digest"
dotenv_set image.env IMAGE_REPOSITORY "$uri"
tag_list="${tags[*]}"
dotenv_set image.env IMAGE_TAGS "${tag_list// /,}"
platform_list="${served_platforms[*]}"
dotenv_set image.env IMAGE_PLATFORMS "${platform_list// /,}"
say "pushed $uri:${tag_list// /, :}"
say "IMAGE_REF=$uri@$digest"

# ---------------------------------------------------------------- scan gate
threshold="$BUILD_SCAN_SEVERITY_THRESHOLD"
[ "$threshold" != none ] || exit 0
rank() {
  case "$1" in
    CRITICAL) echo 5 ;; HIGH) echo 4 ;; MEDIUM) echo 3 ;; LOW) echo 2 ;; INFORMATIONAL) echo 1 ;; *) echo 0 ;;
  esac
}
# An index is scanned image by image: ECR scans each platform's image, not the index.
over=0
total=0
deadline=$((SECONDS + scan_timeout))
for one_image in "${images[@]}"; do
  image_id="imageDigest=$one_image"
  while :; do
    # One page: the CLI's paginator fails on an answer without findings (a scan still running).
    if status="$(aws_call ecr describe-image-scan-findings --repository-name="$repository" --image-id="$image_id" \
      --no-paginate --query 'imageScanStatus.[status,description]' --output text)"; then
      case "${status%%$'\t'*}" in
        COMPLETE | ACTIVE) break ;;
        IN_PROGRESS | PENDING) ;;
        *) fail "ECR's scan of $uri@$one_image ended as '${status//$'\t'/: }', so the gate cannot pass it. The image was pushed; fix the scan (or set scan-severity-threshold: none) and run the job again." ;;
      esac
    else
      case "$(aws_error)" in
        *ScanNotFoundException*) status="not started" ;;
        *) aws_failed "reading ECR's scan findings for $uri@$one_image" "pushed $uri@$one_image" "check the role's ecr:DescribeImageScanFindings permission" ;;
      esac
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "ECR's scan of $uri@$one_image did not complete within ${scan_timeout}s (status: ${status%%$'\t'*}). Turn on scan on push (or enhanced scanning) for '$repository', or raise scan-timeout."
    say "waiting for ECR's scan (${status%%$'\t'*})"
    sleep 5
  done
  findings="$(aws_call ecr describe-image-scan-findings --repository-name="$repository" --image-id="$image_id" --output text \
    --query '[imageScanFindings.findings[].[severity,name,attributes[?key==`package_name`]|[0].value,attributes[?key==`package_version`]|[0].value], imageScanFindings.enhancedFindings[].[severity,packageVulnerabilityDetails.vulnerabilityId,packageVulnerabilityDetails.vulnerablePackages[0].name,packageVulnerabilityDetails.vulnerablePackages[0].version]][]')" ||
    aws_failed "reading ECR's scan findings for $uri@$one_image" "pushed $uri@$one_image" "check the role's ecr:DescribeImageScanFindings permission"
  while IFS=$'\t' read -r severity name package version; do
    [ -n "$severity" ] || continue
    total=$((total + 1))
    mark=""
    if [ "$(rank "$severity")" -ge "$(rank "$threshold")" ]; then
      over=$((over + 1))
      mark=" (at or above $threshold)"
    fi
    say "finding: $severity $name in ${package:-?} ${version:-}${mark}"
  done <<< "$findings"
done
say "ECR's scan: $total finding(s), $over at or above $threshold"
[ "$over" -eq 0 ] || fail "$over finding(s) at or above $threshold in $uri@$digest (listed above). The image was pushed but must not be deployed: update the packages named, or raise scan-severity-threshold."
