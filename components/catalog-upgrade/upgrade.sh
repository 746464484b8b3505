#!/usr/bin/env bash
# shellcheck shell=bash
# Installs the catalog's toolkit into a job-private folder and runs `catalog upgrade` on the
# project: a merge request with the safe upgrades, a check that fails when pins are behind, or a diff.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='catalog-upgrade'

: "${CATALOG_UPGRADE_PROJECT:?}" "${UPGRADE_MODE:?}" "${UPGRADE_TO:?}"
pin="$(bool pin "${UPGRADE_PIN:-false}")"
pin_sha="$(bool pin-sha "${UPGRADE_PIN_SHA:-false}")"
allow_defaults="$(bool allow-default-changes "${UPGRADE_ALLOW_DEFAULT_CHANGES:-false}")"

# The toolkit of exactly the commit the component was included at, unless the `toolkit` input
# names another (install_toolkit checks the spec). The job token lets git read the catalog and the
# component projects, unless a GITLAB_TOKEN is given for that.
if [ -z "${GITLAB_TOKEN:-}" ]; then git_job_token; fi
install_toolkit "${UPGRADE_TOOLKIT:-}" "$CATALOG_UPGRADE_PROJECT" "${CATALOG_UPGRADE_SHA:-}" "${CI_PROJECT_DIR:-$PWD}/.catalog-upgrade"

args=(upgrade --to="$UPGRADE_TO" --server-fqdn="${CI_SERVER_FQDN:-gitlab.com}")
if is_true "$pin"; then args+=(--pin); fi
if is_true "$pin_sha"; then args+=(--pin-sha); fi
if is_true "$allow_defaults"; then args+=(--allow-default-changes); fi
while IFS= read -r s; do
  safe_arg sources "$s"
  args+=(--source="$s")
done < <(split_list "$(printf '%s' "${UPGRADE_SOURCES:-}" | tr ' ' ',')")
files=()
while IFS= read -r f; do
  safe_arg files "$f"
  files+=("$f")
done < <(split_list "$(printf '%s' "${UPGRADE_FILES:-}" | tr ' ' ',')")

case "$UPGRADE_MODE" in
  merge-request)
    # A project or group access token (masked CI/CD variable): the job token cannot push or open merge requests.
    [ -n "${GITLAB_TOKEN:-}" ] || bad_input mode "'merge-request' needs a GITLAB_TOKEN CI/CD variable (masked) with the api and write_repository scopes" "add the variable, or use mode 'check'"
    export GITLAB_URL="${GITLAB_URL:-${CI_SERVER_URL:?}}"
    args+=(--merge-request --branch="${UPGRADE_BRANCH:-catalog-upgrade}")
    ;;
  check) args+=(--check) ;;
  dry-run) args+=(--dry-run) ;;
  *) bad_input mode "'${UPGRADE_MODE}' is not a mode" "use merge-request, check or dry-run" ;;
esac

# Exit 1 in check mode: upgrades are available (the summary line says how many).
exec "$catalog" "${args[@]}" -- "${files[@]}"
