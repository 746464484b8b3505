#!/usr/bin/env bash
# shellcheck shell=bash
# Installs the catalog's toolkit into a job-private folder and runs `catalog upgrade` on the
# project: a merge request with the safe upgrades, a check that fails when pins are behind, or a diff.
set -euo pipefail

fail() {
  echo "catalog-upgrade: error: $*" >&2
  exit 2
}

: "${CATALOG_UPGRADE_PROJECT:?}" "${CATALOG_UPGRADE_MODE:?}" "${CATALOG_UPGRADE_TO:?}"

spec="${CATALOG_UPGRADE_TOOLKIT:-}"
if [ -z "$spec" ]; then
  # The toolkit of exactly the commit the component was included at.
  [[ "${CATALOG_UPGRADE_SHA:-}" =~ ^[0-9a-f]{40}$ ]] || fail "the component's commit SHA is unknown ('${CATALOG_UPGRADE_SHA:-}'). Include the component as a catalog component, or set the 'toolkit' input."
  spec="git+${CI_SERVER_URL:?}/${CATALOG_UPGRADE_PROJECT}.git#${CATALOG_UPGRADE_SHA}"
fi
case "$spec" in
  -*) fail "toolkit '${spec}' must not start with '-'. Fix the 'toolkit' input." ;;
esac

prefix="${CI_PROJECT_DIR:-$PWD}/.catalog-upgrade"
if [ "$(cat "$prefix/.spec" 2>/dev/null || true)" != "$spec" ]; then
  echo "catalog-upgrade: installing the toolkit from ${spec}"
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # The job token reads the catalog over HTTPS, passed to git in the environment only.
  if [ -n "${CI_JOB_TOKEN:-}" ] && [ -n "${CI_SERVER_URL:-}" ]; then
    GIT_CONFIG_COUNT=1
    GIT_CONFIG_KEY_0="http.${CI_SERVER_URL}/.extraHeader"
    GIT_CONFIG_VALUE_0="Authorization: Basic $(printf 'gitlab-ci-token:%s' "$CI_JOB_TOKEN" | base64 | tr -d '\n')"
    export GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0
  fi
  npm install --prefix "$prefix" --omit=dev --no-audit --no-fund --no-save --loglevel=error -- "$spec" >/dev/null
  printf '%s' "$spec" > "$prefix/.spec"
  unset GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0
fi
catalog="$prefix/node_modules/.bin/catalog"
[ -x "$catalog" ] || fail "the toolkit was not installed from '${spec}' (no bin 'catalog'). Check the 'toolkit' input."

args=(upgrade --to "$CATALOG_UPGRADE_TO" --server-fqdn "${CI_SERVER_FQDN:-gitlab.com}")
[ "${CATALOG_UPGRADE_PIN:-false}" = "true" ] && args+=(--pin)
[ "${CATALOG_UPGRADE_PIN_SHA:-false}" = "true" ] && args+=(--pin-sha)
[ "${CATALOG_UPGRADE_ALLOW_DEFAULT_CHANGES:-false}" = "true" ] && args+=(--allow-default-changes)
if [ -n "${CATALOG_UPGRADE_SOURCES:-}" ]; then
  read -r -a sources <<<"$CATALOG_UPGRADE_SOURCES"
  for s in "${sources[@]}"; do
    case "$s" in -*) fail "source '${s}' starts with '-'. Fix the 'sources' input." ;; esac
    args+=(--source "$s")
  done
fi
files=()
if [ -n "${CATALOG_UPGRADE_FILES:-}" ]; then
  read -r -a files <<<"$CATALOG_UPGRADE_FILES"
  for f in "${files[@]}"; do
    case "$f" in -*) fail "file '${f}' starts with '-'. Fix the 'files' input." ;; esac
  done
fi

case "$CATALOG_UPGRADE_MODE" in
  merge-request)
    # A project or group access token (masked CI/CD variable): the job token cannot push or open merge requests.
    [ -n "${GITLAB_TOKEN:-}" ] || fail "mode 'merge-request' needs a GITLAB_TOKEN CI/CD variable (masked) with the api and write_repository scopes, or use mode 'check'."
    export GITLAB_URL="${GITLAB_URL:-${CI_SERVER_URL:?}}"
    args+=(--merge-request --branch "${CATALOG_UPGRADE_BRANCH:-catalog-upgrade}")
    ;;
  check) args+=(--check) ;;
  dry-run) args+=(--dry-run) ;;
  *) fail "unknown mode '${CATALOG_UPGRADE_MODE}'. Fix the 'mode' input." ;;
esac

# Exit 1 in check mode: upgrades are available (the summary line says how many).
exec "$catalog" "${args[@]}" -- "${files[@]}"
