#!/usr/bin/env bash
# shellcheck shell=bash
# First step of every deploy job: the build job's dotenv report must have reached this job (the
# artifact it deploys is that build's), and the log says which build goes where.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=static-site-pipeline

[ -n "${PIPELINE_BUILD_REF:-}" ] || fail "no build to deploy: the build job's dotenv report (PIPELINE_BUILD_REF) did not reach this job. Keep the build job in an earlier stage, and do not set 'dependencies: []' on this job."
say "deploying build ${PIPELINE_BUILD_REF} (${PIPELINE_BUILD_FILES:-?} files) to environment ${CI_ENVIRONMENT_NAME:-?}"
