#!/usr/bin/env bash
# shellcheck shell=bash
# First step of every deploy job: the build job's dotenv report must have reached this job (the
# image it deploys is the one that build named), and the log says which image goes where.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-service-pipeline

if [ -z "${PIPELINE_BUILD_REF:-}" ] || [ -z "${PIPELINE_IMAGE:-}" ]; then
  fail "no build to deploy: the build job's dotenv report (PIPELINE_BUILD_REF, PIPELINE_IMAGE) did not reach this job. Keep the build job in an earlier stage, and do not set 'dependencies: []' on this job."
fi
say "deploying ${PIPELINE_IMAGE} (build ${PIPELINE_BUILD_REF}) to environment ${CI_ENVIRONMENT_NAME:-?}"
