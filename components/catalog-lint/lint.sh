#!/usr/bin/env bash
# shellcheck shell=bash
# Installs the catalog's linter into a job-private folder and lints the project's pipeline with it,
# writing a GitLab Code Quality report. The job fails when the linter finds an error.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='catalog-lint'

: "${LINT_REPORT:?}" "${CATALOG_LINT_PROJECT:?}"
safe_arg report "$LINT_REPORT"
case "$LINT_REPORT" in
  /* | *..*) bad_input report "'${LINT_REPORT}' is not a path inside the project" "give a relative path such as gl-code-quality-report.json" ;;
esac
security="$(bool security "${LINT_SECURITY:-true}")"

# The toolkit (the linter) of exactly the commit the component was included at, unless the
# `toolkit` input names another; the job token lets git read the catalog and the components the
# pipeline includes.
git_job_token
install_toolkit "${LINT_TOOLKIT:-}" "$CATALOG_LINT_PROJECT" "${CATALOG_LINT_SHA:-}" "${CI_PROJECT_DIR:-$PWD}/.catalog-lint"

args=(lint --project-path="${CI_PROJECT_PATH:?}" --server-fqdn="${CI_SERVER_FQDN:-gitlab.com}")
# Components of other projects (this catalog's too) are read from the GitLab server with git.
if [ -n "${CI_SERVER_URL:-}" ]; then args+=(--fetch-components="$CI_SERVER_URL"); fi
if is_true "$security"; then args+=(--security); fi
files=()
while IFS= read -r f; do
  safe_arg files "$f"
  files+=("$f")
done < <(split_list "$(printf '%s' "${LINT_FILES:-}" | tr ' ' ',')")

mkdir -p -- "$(dirname -- "$LINT_REPORT")"
status=0
# The findings in the log, then the same findings as the Code Quality report.
"$catalog" "${args[@]}" --verbose -- "${files[@]}" || status=$?
"$catalog" "${args[@]}" --format=codequality -- "${files[@]}" > "$CATALOG_JOB_DIR/report.json" || true
mv -- "$CATALOG_JOB_DIR/report.json" "$LINT_REPORT"
# shellcheck disable=SC2016 # the single-quoted text is JavaScript, not shell
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`catalog-lint: ${r.length} finding(s) in ${process.argv[1]}${r.length ? ": " + [...new Set(r.map((i) => i.check_name))].join(", ") : ""}`)' "$LINT_REPORT"
exit "$status"
