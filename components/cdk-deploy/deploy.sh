#!/usr/bin/env bash
# shellcheck shell=bash
# The deploy job: deploys the cloud assembly the synth job produced, as it is (--app=cdk.out:
# no second synth), without a prompt (the approval is this job being manual in a protected
# environment), and writes the stack outputs to the dotenv report.
# shellcheck disable=SC2154 # app_dir, cdk, cdk_stacks and the helpers come from the scripts the job runs first.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='cdk-deploy'

report="$PWD/cdk.env"
: > "$report"
case "${CDK_METHOD:-}" in change-set | direct) ;; *) bad_input method "'${CDK_METHOD:-}' is not change-set or direct" "give one of those" ;; esac
if is_true "$(bool bootstrap-check "${CDK_BOOTSTRAP_CHECK:-}")"; then bootstrap_check; fi

cd -- "$app_dir"
if ! NO_COLOR=1 FORCE_COLOR=0 "$cdk" deploy --app=cdk.out --require-approval=never --ci --no-notices --progress=events --method="$CDK_METHOD" \
  --outputs-file="$CATALOG_JOB_DIR/outputs.json" "${cdk_stacks[@]}"; then
  fail "cdk deploy failed: the failing resources and CloudFormation's reasons are in the events above. A stack whose first deploy failed is left in ROLLBACK_COMPLETE: delete it (cdk destroy) before deploying again."
fi
count=0
# shellcheck disable=SC2016 # the node -e text is JavaScript, not shell
while IFS=$'\t' read -r name value; do
  [ -n "$name" ] || continue
  dotenv_set "$report" "$name" "$value"
  count=$((count + 1))
done < <(node -e '
const outputs = require(process.argv[1]);
for (const [stack, values] of Object.entries(outputs)) {
  for (const [key, value] of Object.entries(values)) {
    const v = String(value);
    if (/[\r\n]/.test(v)) { console.error(`cdk-deploy: output ${stack}.${key} has a line break; not written to the dotenv report`); continue; }
    console.log(`CDK_OUTPUT_${stack.replace(/[^A-Za-z0-9_]/g, "_")}_${key}\t${v}`);
  }
}' "$CATALOG_JOB_DIR/outputs.json")
say "deployed the assembly synthesized by the synth job; ${count} stack output(s) written to cdk.env as CDK_OUTPUT_<stack>_<key>"
