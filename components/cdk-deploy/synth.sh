#!/usr/bin/env bash
# shellcheck shell=bash
# The synth job: synthesizes the app once, without AWS credentials and with context lookups
# off, into the cloud assembly (cdk.out) that the diff and deploy jobs use as it is.
# shellcheck disable=SC2154 # app_dir and cdk come from cli.sh, which the job runs first.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='cdk-deploy'

context=()
while IFS= read -r item; do
  [[ "$item" =~ ^[A-Za-z0-9_:@./-]+=.*$ ]] || bad_input context "'${item}' is not key=value" "give one key=value per line (the value runs to the end of the line)"
  context+=(--context="$item")
done < <(printf '%s\n' "${CDK_CONTEXT:-}" | while IFS= read -r line; do line="$(trim "$line")"; [ -z "$line" ] || printf '%s\n' "$line"; done)

cd -- "$app_dir"
if [ -f package-lock.json ] && [ ! -d node_modules ]; then
  say "installing the app's dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed in ${CDK_APP_DIR}; fix package-lock.json (run npm install locally and commit it)."
fi
rm -rf -- cdk.out
# --no-lookups: in CI, context comes from the committed cdk.context.json, never from the account.
if ! "$cdk" synth --no-lookups --ci --quiet --no-notices --output=cdk.out "${context[@]}" > "$CATALOG_JOB_DIR/synth.log" 2>&1; then
  cat -- "$CATALOG_JOB_DIR/synth.log"
  missing=""
  if [ -f cdk.out/manifest.json ]; then
    # shellcheck disable=SC2016 # JavaScript, not shell
    missing="$(node -e 'for (const m of require(process.argv[1]).missing ?? []) console.log(`  - ${m.key} (${m.provider})`)' "$PWD/cdk.out/manifest.json" || true)"
  fi
  if [ -n "$missing" ]; then
    echo "${catalog_component}: the app needs context lookups, which are off in CI. Missing context keys:" >&2
    echo "$missing" >&2
    fail "synth needs the context keys above. Run 'cdk synth' once with credentials for the account (locally, in ${CDK_APP_DIR}), commit the cdk.context.json it writes, and re-run the pipeline; or give the values with the 'context' input."
  fi
  fail "cdk synth failed in ${CDK_APP_DIR} (its output is above); nothing was deployed."
fi
# shellcheck disable=SC2016 # JavaScript, not shell
stacks="$(node -e '
const m = require(process.argv[1]);
for (const [id, a] of Object.entries(m.artifacts ?? {})) {
  if (a.type === "aws:cloudformation:stack") console.log(`  ${a.displayName ?? id} (${a.environment})`);
}' "$PWD/cdk.out/manifest.json")"
say "synthesized once into ${CDK_APP_DIR}/cdk.out; the diff and deploy jobs use this assembly as it is:"
echo "$stacks"
