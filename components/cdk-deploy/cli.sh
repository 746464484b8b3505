#!/usr/bin/env bash
# shellcheck shell=bash
# Finds the pinned CDK CLI for the job (every cdk-deploy job runs this file first, in the same
# shell): the image's `cdk` or the app's own when it is that release, otherwise installed from
# npm into the job's cache. `npx cdk` or `npm i -g aws-cdk` would take npm's newest release, and
# a major release newer than the app's aws-cdk-lib refuses its cloud assembly.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='cdk-deploy'

cdk_version="${CDK_CDK_VERSION:-}"
[[ "$cdk_version" =~ ^2\.[0-9]+\.[0-9]+$ ]] || bad_input cdk-version "'${cdk_version}' is not a release of the CDK CLI v2" "give a 2.x release such as 2.1148.1"
app_dir="$(path_arg app-dir "${CDK_APP_DIR:-}")"
[ -f "$app_dir/cdk.json" ] || bad_input app-dir "'${CDK_APP_DIR:-}' has no cdk.json" "give the folder of the CDK app (where cdk.json is), relative to the project root"
app_dir="$(cd -- "$app_dir" && pwd)"

# Stacks to diff and deploy: names or patterns; none means every stack of the app.
cdk_stacks=()
while IFS= read -r item; do
  [[ "$item" =~ ^[A-Za-z0-9*][A-Za-z0-9*/_.-]*$ ]] || bad_input stacks "'${item}' is not a stack name or pattern" "give stack names such as WebApp or Prod/*, separated by commas"
  cdk_stacks+=("$item")
done < <(split_list "${CDK_STACKS:-}")
[ "${#cdk_stacks[@]}" -gt 0 ] || cdk_stacks=(--all)

# The release of a `cdk` binary: npm links .bin/cdk to aws-cdk/bin/cdk, whose package.json says it
# (`cdk --version` would load the whole CLI, over a second of CPU, in every job).
cdk_version_of() {
  local real pkg
  real="$(readlink -f -- "$1")" || return 0
  pkg="$(dirname -- "$(dirname -- "$real")")/package.json"
  if [ -f "$pkg" ]; then
    # shellcheck disable=SC2016 # JavaScript, not shell
    node -e 'const p = require(process.argv[1]); if (p.name === "aws-cdk") console.log(p.version)' "$pkg" 2> /dev/null
  else
    "$1" --version 2> /dev/null | awk '{print $1}'
  fi
}
cdk="$(command -v cdk || true)"
if [ -z "$cdk" ] || [ "$(cdk_version_of "$cdk")" != "$cdk_version" ]; then
  cdk="$app_dir/node_modules/.bin/cdk"
  if [ ! -x "$cdk" ] || [ "$(cdk_version_of "$cdk")" != "$cdk_version" ]; then
    cdk_dir="${CI_PROJECT_DIR:-$PWD}/.cdk-cli/${cdk_version}"
    cdk="$cdk_dir/node_modules/.bin/cdk"
    if [ ! -x "$cdk" ] || [ "$(cdk_version_of "$cdk")" != "$cdk_version" ]; then
      say "installing the CDK CLI ${cdk_version} (npm)"
      rm -rf -- "$cdk_dir"
      npm install --prefix="$cdk_dir" --no-audit --no-fund --loglevel=error "aws-cdk@${cdk_version}" ||
        fail "npm could not install aws-cdk@${cdk_version}. Check that the release exists (npm view aws-cdk versions) and that the runner reaches your npm registry."
    fi
  fi
fi
say "CDK CLI $(cdk_version_of "$cdk") (${cdk})"
