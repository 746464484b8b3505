#!/usr/bin/env bash
# shellcheck shell=bash
# The diff job: checks the bootstrap version, diffs the synthesized assembly against the deployed
# stacks and writes the result (counts of changes, replacements and security changes) as an
# artifact and, in merge requests, as one note updated on every pipeline.
# Exit code: 0 when the diff ran, whether or not there are differences (CDK_DIFF in the dotenv
# report says which); non-zero only when the diff could not be made.
# shellcheck disable=SC2154 # app_dir, cdk, cdk_stacks and the helpers come from the scripts the job runs first.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='cdk-deploy'

report="$PWD/cdk-diff.env"
summary="$PWD/cdk-diff.md"
: > "$report"
post_note="$(bool mr-note "${CDK_MR_NOTE:-}")"
if is_true "$(bool bootstrap-check "${CDK_BOOTSTRAP_CHECK:-}")"; then bootstrap_check; fi

cd -- "$app_dir"
# `cdk diff` takes no --all: no names means every stack.
diff_stacks=()
[ "${cdk_stacks[0]}" = --all ] || diff_stacks=("${cdk_stacks[@]}")
# Colours off: the output goes to a file, a note and a trace.
if ! NO_COLOR=1 FORCE_COLOR=0 "$cdk" diff --no-notices --app=cdk.out "${diff_stacks[@]}" > "$CATALOG_JOB_DIR/diff.txt" 2>&1; then
  cat -- "$CATALOG_JOB_DIR/diff.txt"
  fail "cdk diff failed (its output is above); nothing was deployed."
fi
cat -- "$CATALOG_JOB_DIR/diff.txt"

# Resource lines are `[+] AWS::Type Id LogicalId`, `[~] ... replace` / `may be replaced`; the IAM
# and security group tables have one `│ + │` or `│ - │` row per statement or rule.
text="$(sed 's/\x1b\[[0-9;]*m//g' "$CATALOG_JOB_DIR/diff.txt")"
adds="$(grep -cE '^\[\+\] (AWS|Custom)::' <<< "$text" || true)"
removals="$(grep -cE '^\[-\] (AWS|Custom)::' <<< "$text" || true)"
modifies="$(grep -cE '^\[~\] (AWS|Custom)::' <<< "$text" || true)"
replacements="$(grep -cE '^\[~\] (AWS|Custom)::.* (replace|may be replaced)$' <<< "$text" || true)"
security="$(grep -cE '^│ [+-] │' <<< "$text" || true)"
stacks_changed="$(sed -n 's/.*Number of stacks with differences: \([0-9]*\).*/\1/p' <<< "$text" | tail -n1)"
headline="${adds} to add, ${modifies} to modify (${replacements} replacement$([ "$replacements" -eq 1 ] || echo s)), ${removals} to remove; ${security} security change$([ "$security" -eq 1 ] || echo s) (IAM statements, policies, security group rules)"
say "diff: ${headline}; stacks with differences: ${stacks_changed:-?}"
{
  echo "<!-- cdk-deploy diff: app=${CDK_APP_DIR} job=${CI_JOB_NAME:-diff} -->"
  echo "### CDK diff: \`${CDK_APP_DIR}\`"
  echo
  echo "**${headline}**$([ "$security" -eq 0 ] || echo ' - review the security changes before deploying')"
  echo
  echo '```'
  printf '%s\n' "$text"
  echo '```'
  if [ -n "${CI_JOB_URL:-}" ]; then printf '\n[Diff job](%s)\n' "$CI_JOB_URL"; fi
} > "$summary"
if [ "${stacks_changed:-1}" = 0 ]; then dotenv_set "$report" CDK_DIFF none; else dotenv_set "$report" CDK_DIFF changes; fi
dotenv_set "$report" CDK_DIFF_REPLACEMENTS "$replacements"
dotenv_set "$report" CDK_DIFF_SECURITY_CHANGES "$security"
if is_true "$post_note"; then mr_note "cdk-deploy diff: app=${CDK_APP_DIR} job=${CI_JOB_NAME:-diff}" "$summary"; fi
say "diff written to cdk-diff.md"
