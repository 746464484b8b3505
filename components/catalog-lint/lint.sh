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

spec="${LINT_TOOLKIT:-}"
if [ -z "$spec" ]; then
  # This catalog at exactly the commit the component was included at: the linter and the
  # component come from the same commit, and nothing moves under a pinned include.
  [[ "${CATALOG_LINT_SHA:-}" =~ ^[0-9a-f]{40}$ ]] || fail "the component's commit SHA is unknown ('${CATALOG_LINT_SHA:-}'). Include the component as a catalog component, or set the 'toolkit' input."
  spec="git+${CI_SERVER_URL:?}/${CATALOG_LINT_PROJECT}.git#${CATALOG_LINT_SHA}"
fi
case "$spec" in
  -*) bad_input toolkit "'${spec}' starts with '-'" "give an npm package spec: a tarball URL or path, or git+https://...#<sha>" ;;
esac

# The job token (valid for this job only) lets git read the catalog and the components the
# pipeline includes over HTTPS; it reaches git in the environment, never a command line or a file.
if [ -n "${CI_JOB_TOKEN:-}" ] && [ -n "${CI_SERVER_URL:-}" ]; then
  GIT_CONFIG_COUNT=1
  GIT_CONFIG_KEY_0="http.${CI_SERVER_URL}/.extraHeader"
  GIT_CONFIG_VALUE_0="Authorization: Basic $(printf 'gitlab-ci-token:%s' "$CI_JOB_TOKEN" | base64 | tr -d '\n')"
  export GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0
fi

# The install is kept in the project folder (the job's cache) and reused while the spec is the same.
prefix="${CI_PROJECT_DIR:-$PWD}/.catalog-lint"
if [ "$(cat -- "$prefix/.spec" 2>/dev/null || true)" != "$spec" ]; then
  say "installing the linter from ${spec}"
  rm -rf -- "$prefix"
  mkdir -p -- "$prefix"
  npm install --prefix="$prefix" --omit=dev --no-audit --no-fund --no-save --loglevel=error -- "$spec" >/dev/null
  printf '%s' "$spec" > "$prefix/.spec"
fi
catalog="$prefix/node_modules/.bin/catalog"
[ -x "$catalog" ] || fail "the linter was not installed from '${spec}' (no bin 'catalog'). Check the 'toolkit' input."

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
