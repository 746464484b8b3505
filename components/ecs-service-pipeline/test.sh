#!/usr/bin/env bash
# shellcheck shell=bash
# The test job: runs the project's test command after the build (with its artifacts).
# A failure here stops the pipeline before any deploy job starts.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-service-pipeline

: "${PIPELINE_TEST_COMMAND:?}"
say "testing build ${PIPELINE_BUILD_REF:-?} (${PIPELINE_BUILD_FILES:-?} files): ${PIPELINE_TEST_COMMAND}"
bash -eo pipefail -c "$PIPELINE_TEST_COMMAND" || fail "the test command failed; no environment is deployed."
say "tests passed"
