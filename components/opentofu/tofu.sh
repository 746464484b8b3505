#!/usr/bin/env bash
# shellcheck shell=bash
# The opentofu component's jobs. TOFU_ACTION (set by each job, not an input) picks one:
#   validate  fmt check and validate, without state or credentials;
#   plan      a saved plan, its summary for GitLab's widget (reports:terraform), a readable summary
#             (job log, artifact, merge request note) and its checksum for apply;
#   apply     exactly the plan file of this pipeline's plan job, refused if it is not that file;
#   destroy   the environment's stop action: plan to destroy, then apply that plan.
# The backend is set here (an override file), so the module needs no backend block.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='opentofu'

: "${TOFU_ACTION:?}" "${TOFU_OPENTOFU_VERSION:?}" "${TOFU_ROOT_DIR:?}"
# The runner starts the job in the project directory. Not CI_PROJECT_DIR: gitlab-ci-local sets it to
# the image's /builds/... path even when it runs the job in a shell elsewhere.
project_dir="$PWD"

[[ "$TOFU_OPENTOFU_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || bad_input opentofu-version "'${TOFU_OPENTOFU_VERSION}' is not a release number" "give a version such as 1.10.10"
case "$TOFU_ROOT_DIR" in
  -* | /* | *..* | *:*) bad_input root-dir "'${TOFU_ROOT_DIR}' is not a folder inside the project" "give a relative path such as infra" ;;
esac
root_dir="$(path_arg root-dir "$TOFU_ROOT_DIR")"
[ -d "$root_dir" ] || bad_input root-dir "'${TOFU_ROOT_DIR}' does not exist" "give the folder of the root module, relative to the project root"

# The pinned version, before anything reads or writes state.
command -v tofu > /dev/null || fail "the image has no 'tofu'. Use an image with OpenTofu ${TOFU_OPENTOFU_VERSION} (the 'image' input)."
found="$(tofu version -json 2> /dev/null | jq -r '.terraform_version // empty' || true)"
[ "$found" = "$TOFU_OPENTOFU_VERSION" ] ||
  fail "the image has OpenTofu '${found:-unknown}', but 'opentofu-version' pins ${TOFU_OPENTOFU_VERSION}. Use an image with ${TOFU_OPENTOFU_VERSION} (the 'image' input), or change 'opentofu-version'."
say "OpenTofu ${found}, root module ${TOFU_ROOT_DIR}"

export TF_IN_AUTOMATION=true TF_INPUT=false
# Providers are downloaded once per runner cache, not per job.
export TF_PLUGIN_CACHE_DIR="$project_dir/.tofu-plugin-cache"
mkdir -p -- "$TF_PLUGIN_CACHE_DIR"
cd -- "$root_dir"

if [ "$TOFU_ACTION" = validate ]; then
  # Without state: no backend file of ours (a shell runner's earlier plan may have left one) and a
  # data folder of its own, so nothing a plan job initialized is reused.
  rm -f -- catalog_backend_override.tf
  export TF_DATA_DIR="$CATALOG_JOB_DIR/tofu-data"
  tofu fmt -check -diff -recursive -no-color ||
    fail "files in ${TOFU_ROOT_DIR} are not formatted as 'tofu fmt' would (the diff is above). Run 'tofu fmt -recursive' and commit."
  tofu init -backend=false -input=false -no-color > "$CATALOG_JOB_DIR/init.log" 2>&1 || {
    cat -- "$CATALOG_JOB_DIR/init.log" >&2
    fail "tofu init (without the backend) failed in ${TOFU_ROOT_DIR}; see above."
  }
  tofu validate -no-color || fail "the configuration in ${TOFU_ROOT_DIR} is not valid; see above."
  say "formatted and valid"
  exit 0
fi

# ---- state: inputs checked as the job sees them (they may be CI/CD variable references) ----
: "${TOFU_BACKEND:?}" "${TOFU_STATE_NAME:?}" "${TOFU_WORKSPACE:?}"
lock_timeout="$(uint lock-timeout "${TOFU_LOCK_TIMEOUT:-}" 0 86400)"
[[ "$TOFU_STATE_NAME" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$ ]] || bad_input state-name "'${TOFU_STATE_NAME}' is not a state name" "use 1-100 of A-Z a-z 0-9 . _ -"
[[ "$TOFU_WORKSPACE" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{0,89}$ ]] || bad_input workspace "'${TOFU_WORKSPACE}' is not a workspace name" "use 1-90 of A-Z a-z 0-9 _ -"

backend_args=()
case "$TOFU_BACKEND" in
  s3)
    bucket="${TOFU_STATE_BUCKET:-}"
    [ -n "$bucket" ] || bad_input state-bucket "is empty, and 'backend' is s3" "give the state bucket, or set 'backend: gitlab' for GitLab-managed state"
    [[ "$bucket" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]] || bad_input state-bucket "'${bucket}' is not an S3 bucket name" "give 3-63 of a-z 0-9 . -, or the variable holding one"
    key="${TOFU_STATE_KEY:-}"
    [ -n "$key" ] || key="tofu/${TOFU_STATE_NAME}.tfstate"
    [[ "$key" =~ ^[A-Za-z0-9_.][A-Za-z0-9_./-]*$ && "$key" != *..* ]] || bad_input state-key "'${key}' is not an S3 key for the state" "give a key such as tofu/network.tfstate"
    : "${AWS_REGION:?the OIDC authentication did not set AWS_REGION}"
    backend_args+=(-backend-config="bucket=${bucket}" -backend-config="key=${key}" -backend-config="region=${AWS_REGION}")
    if [ -n "${TOFU_LOCK_TABLE:-}" ]; then
      [[ "$TOFU_LOCK_TABLE" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{2,254}$ ]] || bad_input lock-table "'${TOFU_LOCK_TABLE}' is not a DynamoDB table name" "give 3-255 of A-Z a-z 0-9 _ . -"
      backend_args+=(-backend-config="dynamodb_table=${TOFU_LOCK_TABLE}")
      where="s3://${bucket}/${key} (locked with DynamoDB table ${TOFU_LOCK_TABLE})"
    else
      backend_args+=(-backend-config="use_lockfile=true")
      where="s3://${bucket}/${key} (locked with ${key}.tflock)"
    fi
    backend_block='backend "s3" {}'
    ;;
  gitlab)
    : "${CI_API_V4_URL:?}" "${CI_PROJECT_ID:?}"
    [ -n "${CI_JOB_TOKEN:-}" ] || fail "CI_JOB_TOKEN is empty: GitLab-managed state needs the job token (it is set in every GitLab job)."
    address="${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/terraform/state/${TOFU_STATE_NAME}"
    # The job token reaches OpenTofu in its environment, never on a command line or in a file.
    export TF_HTTP_ADDRESS="$address" TF_HTTP_LOCK_ADDRESS="${address}/lock" TF_HTTP_UNLOCK_ADDRESS="${address}/lock"
    export TF_HTTP_LOCK_METHOD=POST TF_HTTP_UNLOCK_METHOD=DELETE TF_HTTP_RETRY_WAIT_MIN=5
    export TF_HTTP_USERNAME=gitlab-ci-token TF_HTTP_PASSWORD="$CI_JOB_TOKEN"
    where="GitLab-managed state '${TOFU_STATE_NAME}' of project ${CI_PROJECT_ID}"
    backend_block='backend "http" {}'
    ;;
  *) bad_input backend "'${TOFU_BACKEND}' is not a backend" "give s3 or gitlab" ;;
esac
while IFS= read -r line; do
  [[ "$line" =~ ^[a-z_]+= ]] || bad_input backend-config "'${line}' is not a key=value line" "write one setting per line, such as encrypt=true"
  backend_args+=(-backend-config="$line")
done < <(printf '%s\n' "${TOFU_BACKEND_CONFIG:-}" | sed '/^[[:space:]]*$/d')

var_args=()
while IFS= read -r f; do
  case "$f" in
    -* | /* | *..* | *:*) bad_input var-files "'${f}' is not a file inside the root module" "give paths relative to root-dir, such as production.tfvars" ;;
  esac
  [ -f "$f" ] || bad_input var-files "'${f}' does not exist in ${TOFU_ROOT_DIR}" "give variable files relative to root-dir"
  var_args+=(-var-file="$f")
done < <(split_list "$(printf '%s' "${TOFU_VAR_FILES:-}" | tr ' ' ',')")

# An override file wins over any backend block the module has, so the input decides.
printf 'terraform {\n  %s\n}\n' "$backend_block" > catalog_backend_override.tf
say "state: ${where}, workspace ${TOFU_WORKSPACE}"
tofu init -input=false -no-color -reconfigure -lock-timeout="${lock_timeout}s" "${backend_args[@]}" > "$CATALOG_JOB_DIR/init.log" 2>&1 || {
  cat -- "$CATALOG_JOB_DIR/init.log" >&2
  fail "tofu init failed for ${where}; nothing was changed. Check the state settings and that the role may read the state (see above)."
}
if [ "$TOFU_WORKSPACE" != default ]; then
  tofu workspace select -or-create=true -no-color "$TOFU_WORKSPACE" > /dev/null
fi

plan_file="tofu-plan.cache"
# ---- the readable summary: one line per resource change, and counts for GitLab's widget ----
summarize() {
  local plan="$1"
  tofu show -json "$plan" > "$CATALOG_JOB_DIR/plan.json"
  jq '[.resource_changes[]?.change.actions] as $a
      | { create: ([$a[] | select(index("create"))] | length),
          update: ([$a[] | select(. == ["update"])] | length),
          delete: ([$a[] | select(index("delete"))] | length) }' "$CATALOG_JOB_DIR/plan.json"
}
changes_of() {
  jq -r '.resource_changes[]? | select(.change.actions != ["no-op"] and .change.actions != ["read"])
    | (if .change.actions == ["create"] then "+ create "
       elif .change.actions == ["update"] then "~ update "
       elif .change.actions == ["delete"] then "- destroy"
       else "± replace" end) + "  " + .address' "$CATALOG_JOB_DIR/plan.json"
}

case "$TOFU_ACTION" in
  plan)
    mr_note="$(bool mr-note "${TOFU_MR_NOTE:-true}")"
    : > "$project_dir/tofu-plan.env"
    rm -f -- "$plan_file"
    status=0
    tofu plan -input=false -no-color -detailed-exitcode -lock-timeout="${lock_timeout}s" -out="$plan_file" "${var_args[@]}" || status=$?
    [ "$status" -ne 1 ] || fail "tofu plan failed (see above); nothing was changed."
    summarize "$plan_file" > tofu-plan.json.tmp && mv -- tofu-plan.json.tmp tofu-plan.json
    counts="$(jq -r '"\(.create) to add, \(.update) to change, \(.delete) to destroy"' tofu-plan.json)"
    checksum="$(sha256sum "$plan_file" | cut -d' ' -f1)"
    {
      echo "<!-- opentofu plan: state=${TOFU_STATE_NAME} workspace=${TOFU_WORKSPACE} root=${TOFU_ROOT_DIR} -->"
      echo "### OpenTofu plan: \`${TOFU_STATE_NAME}\` (${TOFU_WORKSPACE}): ${counts}"
      echo
      if [ "$status" -eq 2 ]; then
        echo '```diff'
        changes_of
        echo '```'
      else
        echo 'No changes: the infrastructure matches the configuration.'
      fi
      echo
      echo "Plan file \`${plan_file}\`, SHA-256 \`${checksum}\`, pipeline ${CI_PIPELINE_ID:-local}: the apply job applies exactly this file."
      echo
      echo '<details><summary>Full plan</summary>'
      echo
      echo '```'
      tofu show -no-color "$plan_file" | head -c 60000
      echo '```'
      echo '</details>'
    } > tofu-plan.md.tmp
    mv -- tofu-plan.md.tmp tofu-plan.md
    say "plan: ${counts}"
    changes_of | sed 's/^/  /'
    dotenv_set "$project_dir/tofu-plan.env" TOFU_PLAN_SHA256 "$checksum"
    dotenv_set "$project_dir/tofu-plan.env" TOFU_PLAN_CHANGES "$([ "$status" -eq 2 ] && echo true || echo false)"

    # mr_note comes from components/_shared/mr-note.sh, which the plan job runs first.
    if is_true "$mr_note"; then mr_note "opentofu plan: state=${TOFU_STATE_NAME} workspace=${TOFU_WORKSPACE} root=${TOFU_ROOT_DIR}" tofu-plan.md; fi
    ;;
  apply)
    : > "$project_dir/tofu.env"
    [ -f "$plan_file" ] ||
      fail "there is no ${plan_file} in ${TOFU_ROOT_DIR}: apply runs only the plan of this pipeline's plan job (its artifact, through needs). Run the plan job first."
    # The plan job's checksum (its dotenv report): the file applied is the file reviewed.
    [ -n "${TOFU_PLAN_SHA256:-}" ] || fail "the plan job's checksum TOFU_PLAN_SHA256 is missing (its dotenv report did not reach this job); refusing to apply a plan nobody can vouch for. Re-run the pipeline."
    [ "$(sha256sum "$plan_file" | cut -d' ' -f1)" = "$TOFU_PLAN_SHA256" ] ||
      fail "${plan_file} is not the file the plan job wrote (SHA-256 differs from ${TOFU_PLAN_SHA256}); refusing to apply it. Re-run the plan job."
    summarize "$plan_file" > /dev/null
    say "applying the reviewed plan (SHA-256 ${TOFU_PLAN_SHA256}):"
    changes_of | sed 's/^/  /'
    tofu apply -input=false -no-color -lock-timeout="${lock_timeout}s" "$plan_file" 2>&1 | tee "$CATALOG_JOB_DIR/apply.log" || {
      if grep -q 'Saved plan is stale' "$CATALOG_JOB_DIR/apply.log"; then
        fail "the state changed since this plan was made (another apply ran); nothing was applied. Re-run the pipeline for a new plan."
      fi
      fail "tofu apply failed (see above). Resources created or changed before the error are in the state; re-run the pipeline to plan what is left."
    }
    # Outputs for later jobs: non-sensitive strings, numbers and booleans, as TOFU_OUTPUT_<NAME>.
    while IFS=$'\t' read -r name value; do
      [ -n "$name" ] || continue
      dotenv_set "$project_dir/tofu.env" "TOFU_OUTPUT_$(printf '%s' "$name" | tr '[:lower:]-' '[:upper:]_')" "$value"
    done < <(tofu output -json | jq -r 'to_entries[] | select(.value.sensitive | not) | select(.value.value | type | IN("string", "number", "boolean"))
      | select(.key | test("^[A-Za-z_][A-Za-z0-9_-]*$")) | [.key, (.value.value | tostring)] | @tsv')
    say "applied to ${where}"
    ;;
  destroy)
    status=0
    tofu plan -destroy -input=false -no-color -detailed-exitcode -lock-timeout="${lock_timeout}s" -out=tofu-destroy.cache "${var_args[@]}" > "$CATALOG_JOB_DIR/destroy-plan.log" 2>&1 || status=$?
    if [ "$status" -eq 1 ]; then
      cat -- "$CATALOG_JOB_DIR/destroy-plan.log" >&2
      fail "planning the destroy failed (see above); nothing was destroyed."
    fi
    summarize tofu-destroy.cache > /dev/null
    say "destroying:"
    changes_of | sed 's/^/  /'
    tofu apply -input=false -no-color -lock-timeout="${lock_timeout}s" tofu-destroy.cache ||
      fail "tofu destroy failed (see above). What was destroyed before the error is gone from the state; re-run the job to destroy the rest."
    say "destroyed everything in ${where}"
    ;;
  *) fail "unknown TOFU_ACTION '${TOFU_ACTION}'" ;;
esac
