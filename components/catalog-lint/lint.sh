#!/usr/bin/env bash
# shellcheck shell=bash
# Installs the catalog's linter into a job-private folder and lints the project's pipeline with it,
# writing a GitLab Code Quality report. The job fails when the linter finds an error.
set -euo pipefail

fail() {
  echo "catalog-lint: error: $*" >&2
  exit 1
}

: "${CATALOG_LINT_REPORT:?}" "${CATALOG_LINT_PROJECT:?}"
case "$CATALOG_LINT_REPORT" in
  -* | *..*) fail "report '${CATALOG_LINT_REPORT}' must be a path inside the project. Fix the 'report' input." ;;
esac

spec="${CATALOG_LINT_TOOLKIT:-}"
if [ -z "$spec" ]; then
  # This catalog at exactly the commit the component was included at: the linter and the
  # component come from the same commit, and nothing moves under a pinned include.
  [[ "${CATALOG_LINT_SHA:-}" =~ ^[0-9a-f]{40}$ ]] || fail "the component's commit SHA is unknown ('${CATALOG_LINT_SHA:-}'). Include the component as a catalog component, or set the 'toolkit' input."
  spec="git+${CI_SERVER_URL:?}/${CATALOG_LINT_PROJECT}.git#${CATALOG_LINT_SHA}"
fi
case "$spec" in
  -*) fail "toolkit '${spec}' must not start with '-'. Fix the 'toolkit' input." ;;
esac

# The job token (valid for this job only) lets git read the catalog and the components the
# pipeline includes over HTTPS; it reaches git in the environment, never a command line or a file.
if [ -n "${CI_JOB_TOKEN:-}" ] && [ -n "${CI_SERVER_URL:-}" ]; then
  GIT_CONFIG_COUNT=1
  GIT_CONFIG_KEY_0="http.${CI_SERVER_URL}/.extraHeader"
  GIT_CONFIG_VALUE_0="Authorization: Basic $(printf 'gitlab-ci-token:%s' "$CI_JOB_TOKEN" | base64 | tr -d '\n')"
  export GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0
fi

prefix="${CI_PROJECT_DIR:-$PWD}/.catalog-lint"
if [ "$(cat "$prefix/.spec" 2>/dev/null || true)" != "$spec" ]; then
  echo "catalog-lint: installing the linter from ${spec}"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --omit=dev --no-audit --no-fund --no-save --loglevel=error -- "$spec" >/dev/null
  printf '%s' "$spec" > "$prefix/.spec"
fi
catalog="$prefix/node_modules/.bin/catalog"
[ -x "$catalog" ] || fail "the linter was not installed from '${spec}' (no bin 'catalog'). Check the 'toolkit' input."

args=(lint --project-path "${CI_PROJECT_PATH:?}" --server-fqdn "${CI_SERVER_FQDN:-gitlab.com}")
# Components of other projects (this catalog's too) are read from the GitLab server with git.
[ -n "${CI_SERVER_URL:-}" ] && args+=(--fetch-components "$CI_SERVER_URL")
[ "${CATALOG_LINT_SECURITY:-true}" = "true" ] && args+=(--security)
files=()
if [ -n "${CATALOG_LINT_FILES:-}" ]; then
  read -r -a files <<<"$CATALOG_LINT_FILES"
  for f in "${files[@]}"; do
    case "$f" in -*) fail "file '${f}' starts with '-'. Fix the 'files' input." ;; esac
  done
fi

mkdir -p "$(dirname "$CATALOG_LINT_REPORT")"
status=0
# The findings in the log, then the same findings as the Code Quality report.
"$catalog" "${args[@]}" --verbose -- "${files[@]}" || status=$?
"$catalog" "${args[@]}" --format codequality -- "${files[@]}" > "${CATALOG_LINT_REPORT}.tmp" || true
mv "${CATALOG_LINT_REPORT}.tmp" "$CATALOG_LINT_REPORT"
# shellcheck disable=SC2016 # the single-quoted text is JavaScript, not shell
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`catalog-lint: ${r.length} finding(s) in ${process.argv[1]}${r.length ? ": " + [...new Set(r.map((i) => i.check_name))].join(", ") : ""}`)' "$CATALOG_LINT_REPORT"
exit "$status"
