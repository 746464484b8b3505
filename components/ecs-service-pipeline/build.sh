#!/usr/bin/env bash
# shellcheck shell=bash
# The build job: runs the project's build command (compile, package; the image itself is built
# elsewhere and given as the 'image-ref' input), and hands later jobs the image they deploy and
# the commit it is for through its dotenv report.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-service-pipeline

: "${PIPELINE_BUILD_COMMAND:?}" "${PIPELINE_IMAGE_REF:?}"
: > build.env
single_line image-ref "$PIPELINE_IMAGE_REF"
[[ "$PIPELINE_IMAGE_REF" =~ ^[a-z0-9][A-Za-z0-9._/:@-]*$ ]] ||
  fail "image-ref '${PIPELINE_IMAGE_REF}' is not an image reference (registry/repository:tag or @sha256:digest). Fix the 'image-ref' input or the variable it names."
say "building: ${PIPELINE_BUILD_COMMAND}"
# The command is the project's own code (an input the project wrote), run as its own shell script.
bash -eo pipefail -c "$PIPELINE_BUILD_COMMAND" || fail "the build command failed (exit $?); nothing is deployed."
dotenv_set build.env PIPELINE_BUILD_REF "${CI_COMMIT_SHORT_SHA:-local}"
dotenv_set build.env PIPELINE_BUILD_FILES 0
dotenv_set build.env PIPELINE_IMAGE "$PIPELINE_IMAGE_REF"
say "built ${CI_COMMIT_SHORT_SHA:-local}; the deploys will run ${PIPELINE_IMAGE_REF}"
