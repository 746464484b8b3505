#!/usr/bin/env bash
# shellcheck shell=bash
# The build job: runs the project's build command, refuses an empty result (a deploy of an empty
# folder would empty the site), and hands the later jobs what it built through its dotenv report.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=static-site-pipeline

: "${PIPELINE_BUILD_COMMAND:?}" "${PIPELINE_BUILD_DIR:?}"
: > build.env
build_dir="$(path_arg build-dir "$PIPELINE_BUILD_DIR")"
say "building: ${PIPELINE_BUILD_COMMAND}"
# The command is the project's own code (an input the project wrote), run as its own shell script.
bash -eo pipefail -c "$PIPELINE_BUILD_COMMAND" || fail "the build command failed (exit $?); nothing is deployed."
[ -d "$build_dir" ] || fail "the build produced no '${PIPELINE_BUILD_DIR}' folder. Fix the 'build-command' input, or set 'build-dir' to where it writes the site."
files="$(find "$build_dir" -type f | wc -l | tr -d ' ')"
[ "$files" -gt 0 ] || fail "'${PIPELINE_BUILD_DIR}' is empty after the build; refusing to pass on an empty site."
dotenv_set build.env PIPELINE_BUILD_REF "${CI_COMMIT_SHORT_SHA:-local}"
dotenv_set build.env PIPELINE_BUILD_FILES "$files"
dotenv_set build.env PIPELINE_BUILD_JOB "${CI_JOB_ID:-local}"
say "built ${files} file(s) in ${PIPELINE_BUILD_DIR} at ${CI_COMMIT_SHORT_SHA:-local}"
