#!/usr/bin/env bash
# shellcheck shell=bash
# cfn_stack, cfn_status, the timeouts and the stack helpers come from stack.sh, and mr_note from
# _shared/mr-note.sh, which the job runs first.
# shellcheck disable=SC2154
# The plan job: brings a stuck stack back to a state it can be changed from (by policy), creates a
# change set named for this pipeline and job, summarizes it (trace, Markdown artifact, merge
# request note) and hands its id to the apply job through the dotenv report.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=cloudformation-deploy

report=cloudformation-plan.env
summary_md=cloudformation-plan.md
: > cloudformation-plan.env
rm -f -- "$summary_md"

stack="$cfn_stack"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"
recreate="$(bool recreate-rolled-back-stack "${CFN_RECREATE_ROLLED_BACK_STACK:-}")"
continue_rollback="$(bool continue-update-rollback "${CFN_CONTINUE_UPDATE_ROLLBACK:-}")"
post_note="$(bool mr-note "${CFN_MR_NOTE:-}")"

role="${CFN_CLOUDFORMATION_ROLE_ARN:-}"
[[ "$role" =~ ^(arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512})?$ ]] ||
  bad_input cloudformation-role-arn "'${role}' is not an IAM role ARN" "give arn:aws:iam::<account>:role/<name>, or leave it empty"
role_args=()
[ -n "$role" ] && role_args=(--role-arn="$role")

bucket="${CFN_TEMPLATE_BUCKET:-}"
[[ "$bucket" =~ ^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$ ]] ||
  bad_input template-bucket "'${bucket}' is not an S3 bucket name" "give a bucket name (3-63 of a-z 0-9 . -), or leave it empty"
prefix="${CFN_TEMPLATE_PREFIX:-}"
[[ "$prefix" =~ ^([A-Za-z0-9_.][A-Za-z0-9_./-]*)?$ ]] ||
  bad_input template-prefix "'${prefix}' is not a plain S3 key prefix" "use letters, digits and _ . / - (not starting with / or -)"

caps_input="$(trim "${CFN_CAPABILITIES:-auto}")"
[[ "$caps_input" =~ ^(auto|none|(CAPABILITY_IAM|CAPABILITY_NAMED_IAM|CAPABILITY_AUTO_EXPAND)([ ,]+(CAPABILITY_IAM|CAPABILITY_NAMED_IAM|CAPABILITY_AUTO_EXPAND))*)$ ]] ||
  bad_input capabilities "'${caps_input}' is not auto, none or a list of CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND" "give one of those"

skips=()
while IFS= read -r item; do
  [[ "$item" =~ ^[A-Za-z0-9.]{1,255}$ ]] || bad_input resources-to-skip "'${item}' is not a logical resource id" "give logical ids such as MyQueue or NestedStack.MyQueue, separated by commas"
  skips+=("$item")
done < <(split_list "${CFN_RESOURCES_TO_SKIP:-}")

tag_items=()
while IFS= read -r item; do
  [[ "$item" == *=* ]] || bad_input tags "'${item}' is not key=value" "give key=value pairs separated by commas or newlines"
  key="$(trim "${item%%=*}")"
  value="$(trim "${item#*=}")"
  [ -n "$key" ] || bad_input tags "'${item}' has an empty key" "give key=value pairs"
  tag_items+=("{\"Key\":$(json_str "$key"),\"Value\":$(json_str "$value")}")
done < <(split_list "${CFN_TAGS:-}")

template="$(path_arg template-file "${CFN_TEMPLATE_FILE:-}")"
[ -f "$template" ] || bad_input template-file "'${CFN_TEMPLATE_FILE}' does not exist in the project" "give the template's path relative to the project root"

# Parameters: Key=Value lines. Read before any AWS call, so a bad file changes nothing.
declare -A param_value=()
param_keys=()
param_file=""
if [ -n "${CFN_PARAMETERS_FILE:-}" ]; then
  param_file="$(path_arg parameters-file "$CFN_PARAMETERS_FILE")"
  [ -f "$param_file" ] || bad_input parameters-file "'${CFN_PARAMETERS_FILE}' does not exist in the project" "give the file's path relative to the project root, or leave it empty"
  variable_ref='^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$'
  n=0
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line="$(trim "${line%$'\r'}")"
    if [ -z "$line" ] || [ "${line:0:1}" = "#" ]; then continue; fi
    [[ "$line" == *=* ]] || fail "${CFN_PARAMETERS_FILE}:${n}: '${line}' is not Key=Value. Fix the line in the parameters file."
    key="$(trim "${line%%=*}")"
    value="$(trim "${line#*=}")"
    [[ "$key" =~ ^[A-Za-z0-9]{1,255}$ ]] || fail "${CFN_PARAMETERS_FILE}:${n}: '${key}' is not a parameter name (letters and digits). Fix the line in the parameters file."
    [ -z "${param_value[$key]+set}" ] || fail "${CFN_PARAMETERS_FILE}:${n}: ${key} is given twice. Remove one of the lines."
    if [[ "$value" =~ $variable_ref ]]; then
      var="${BASH_REMATCH[1]}"
      [ -n "${!var+set}" ] || fail "${CFN_PARAMETERS_FILE}:${n}: ${key} reads the CI/CD variable ${var}, which this job does not have. Define it (masked, and protected for protected branches) in the project's CI/CD settings."
      value="${!var}"
    fi
    param_value["$key"]="$value"
    param_keys+=("$key")
  done < "$param_file"
fi

# ---- the stack as it is, and recovery by policy ----
status="$(stack_status "$stack")" || aws_failed "reading stack ${stack}" "" "check the 'stack-name' and 'region' inputs"

# our_change_sets: change sets on the stack as lines of name, id, status, description.
stack_change_sets() {
  local out changed="${1:-}"
  out="$(aws_call cloudformation list-change-sets --stack-name="$stack" \
    --query 'Summaries[].[StackName, ChangeSetName, ChangeSetId, Status, Description]' --output text)" ||
    aws_failed "listing the change sets of stack ${stack}" "$changed" "grant cloudformation:ListChangeSets to the job's role"
  local s name id st desc
  while IFS=$'\t' read -r s name id st desc; do
    # Only this stack's (some emulators list every stack's).
    [ "$s" = "$stack" ] && printf '%s\t%s\t%s\t%s\n' "$name" "$id" "$st" "$desc"
  done <<< "$out"
  return 0
}

delete_stack() {
  local why="$1" id
  id="$(aws_call cloudformation describe-stacks --stack-name="$stack" --query 'Stacks[0].StackId' --output text)" ||
    aws_failed "reading stack ${stack}" "" "re-run the job"
  say "recovery: ${why}: deleting stack ${stack}"
  events_mark "$id"
  aws_call cloudformation delete-stack --stack-name="$id" "${role_args[@]}" ||
    aws_failed "deleting stack ${stack} (${status})" "" "delete it yourself (aws cloudformation delete-stack --stack-name=${stack}; turn off its termination protection first if it has it), then re-run the job"
  wait_stack "$id" "deletion of stack ${stack} started"
  [ "$cfn_status" = DELETE_COMPLETE ] || {
    print_failures
    fail "deleting stack ${stack} ended in ${cfn_status}. Delete it from the CloudFormation console (it may need resources retained), then re-run the job."
  }
  say "recovery: stack ${stack} deleted; it is created again from the template"
}

case "$status" in
  NONE)
    say "stack ${stack} does not exist in ${region}: planning its creation"
    type=CREATE
    ;;
  REVIEW_IN_PROGRESS)
    # A stack that a change set created and nobody executed: it holds no resources. It is ours to
    # remove unless someone else's change set is waiting for review on it.
    foreign="$(stack_change_sets '' | awk -F'\t' '$1 !~ /^ci-/ {print $1}' | tr '\n' ' ')"
    [ -z "$foreign" ] ||
      fail "stack ${stack} is REVIEW_IN_PROGRESS (never created) and holds change set(s) this component did not create: ${foreign}. Nothing was changed. Execute or delete them (aws cloudformation delete-change-set), then re-run the job."
    delete_stack "stack ${stack} is REVIEW_IN_PROGRESS: a change set created it and was never executed, so it holds no resources"
    type=CREATE
    ;;
  ROLLBACK_COMPLETE)
    # Its creation failed and was rolled back: no resources, and CloudFormation refuses updates.
    events_mark "$stack"
    if ! is_true "$recreate"; then
      fail "stack ${stack} is ROLLBACK_COMPLETE: its creation failed and was rolled back, so it holds no resources and CloudFormation cannot update it. Nothing was changed. Set 'recreate-rolled-back-stack: true' to delete and create it again, or delete it yourself (aws cloudformation delete-stack --stack-name=${stack}) and re-run the job."
    fi
    delete_stack "stack ${stack} is ROLLBACK_COMPLETE (its creation failed; it holds no resources) and 'recreate-rolled-back-stack' is on"
    type=CREATE
    ;;
  UPDATE_ROLLBACK_FAILED)
    if ! is_true "$continue_rollback"; then
      fail "stack ${stack} is UPDATE_ROLLBACK_FAILED: a rollback could not finish, and the stack cannot be updated until it does. Nothing was changed. Set 'continue-update-rollback: true' (with 'resources-to-skip' for resources that cannot roll back), or run aws cloudformation continue-update-rollback --stack-name=${stack} yourself."
    fi
    say "recovery: stack ${stack} is UPDATE_ROLLBACK_FAILED: continuing the rollback${skips[*]:+, skipping ${skips[*]}}"
    events_mark "$stack"
    skip_args=()
    [ "${#skips[@]}" -gt 0 ] && skip_args=(--resources-to-skip="$(json_array "${skips[@]}")")
    aws_call cloudformation continue-update-rollback --stack-name="$stack" "${role_args[@]}" "${skip_args[@]}" ||
      aws_failed "continuing the rollback of stack ${stack}" "" "fix what the stack events name (often a resource changed or deleted outside CloudFormation), or list it in 'resources-to-skip', then re-run the job"
    wait_stack "$stack" "the rollback of stack ${stack} was continued"
    if [ "$cfn_status" != UPDATE_ROLLBACK_COMPLETE ]; then
      print_failures
      fail "continuing the rollback of stack ${stack} ended in ${cfn_status}. Fix the resources named above, or add them to 'resources-to-skip', and re-run the job."
    fi
    say "recovery: stack ${stack} is UPDATE_ROLLBACK_COMPLETE again"
    type=UPDATE
    ;;
  *_IN_PROGRESS)
    fail "stack ${stack} is ${status}: another operation is running on it. Nothing was changed. Wait until it ends, then re-run the job."
    ;;
  *_FAILED)
    fail "stack ${stack} is ${status}, which CloudFormation cannot plan a change from. Nothing was changed. Look at its events in the CloudFormation console, fix the cause (for DELETE_FAILED, delete it again, retaining the resources that cannot be deleted), then re-run the job."
    ;;
  *)
    say "stack ${stack} is ${status}: planning an update"
    type=UPDATE
    ;;
esac

# ---- stale change sets of ours ----
# Ours are named ci-*. Stale: failed ones (they pile up otherwise) and earlier plans of this ref
# (a newer plan replaces them). Other refs' pending plans and anybody else's change sets stay.
ref="${CI_COMMIT_REF_NAME:-local}"
if [ "$type" = UPDATE ]; then
  stale=0
  while IFS=$'\t' read -r name id st desc; do
    [ -n "$name" ] || continue
    case "$name" in ci-*) ;; *) continue ;; esac
    if [ "$st" = FAILED ] || [[ "$desc" == *" ref ${ref} pipeline "* ]]; then
      aws_call cloudformation delete-change-set --change-set-name="$id" ||
        aws_failed "deleting the stale change set ${name}" "" "delete it yourself or grant cloudformation:DeleteChangeSet"
      stale=$((stale + 1))
      say "deleted stale change set ${name} (${st})"
    fi
  done < <(stack_change_sets '')
  [ "$stale" -eq 0 ] || say "${stale} stale change set(s) of this component deleted"
fi

# ---- the template ----
size="$(wc -c < "$template" | tr -d ' ')"
if [ "$size" -gt 51200 ]; then
  [ -n "$bucket" ] ||
    bad_input template-bucket "is empty, but '${CFN_TEMPLATE_FILE}' is ${size} bytes, over CloudFormation's 51,200-byte limit for a template sent inline" "set 'template-bucket' to an S3 bucket in ${region} that the job's role may write to; the template is uploaded there first"
  sum="$(sha256sum < "$template" | cut -c1-64)"
  key="${prefix}${stack}/${sum}.template"
  aws_call s3 cp "$template" "s3://${bucket}/${key}" --only-show-errors ||
    aws_failed "uploading the template to s3://${bucket}/${key}" "" "grant s3:PutObject and s3:GetObject on arn:aws:s3:::${bucket}/${prefix}* to the job's role, and check that the bucket is in ${region}"
  template_url="https://s3.${region}.amazonaws.com/${bucket}/${key}"
  say "template is ${size} bytes (over 51,200): uploaded to s3://${bucket}/${key}"
  template_args=(--template-url="$template_url")
  # shellcheck disable=SC2016 # backticks are JMESPath literals
  summary="$(aws_call cloudformation get-template-summary --template-url="$template_url" \
    --query '[join(`,`, ResourceTypes || `[]`), join(`,`, Capabilities || `[]`), join(`,`, DeclaredTransforms || `[]`)]' --output text)" ||
    aws_failed "reading the template (get-template-summary)" "the template was uploaded to s3://${bucket}/${key}" "fix the template (cfn-lint finds most errors), then re-run the job"
  declared="$(aws_call cloudformation get-template-summary --template-url="$template_url" \
    --query 'Parameters[].[ParameterKey, NoEcho, DefaultValue != null]' --output text)" ||
    aws_failed "reading the template's parameters" "the template was uploaded to s3://${bucket}/${key}" "re-run the job"
else
  template_args=(--template-body="file://${template}")
  # shellcheck disable=SC2016 # backticks are JMESPath literals
  summary="$(aws_call cloudformation get-template-summary --template-body="file://${template}" \
    --query '[join(`,`, ResourceTypes || `[]`), join(`,`, Capabilities || `[]`), join(`,`, DeclaredTransforms || `[]`)]' --output text)" ||
    aws_failed "reading the template ${CFN_TEMPLATE_FILE} (get-template-summary)" "" "fix the template (cfn-lint finds most errors), then re-run the job"
  declared="$(aws_call cloudformation get-template-summary --template-body="file://${template}" \
    --query 'Parameters[].[ParameterKey, NoEcho, DefaultValue != null]' --output text)" ||
    aws_failed "reading the parameters of ${CFN_TEMPLATE_FILE}" "" "re-run the job"
fi
IFS=$'\t' read -r resource_types aws_caps transforms <<< "$summary"

# ---- parameters, checked against the template's ----
declare -A template_param=() no_echo=() has_default=()
template_names=()
while IFS=$'\t' read -r key echo_off default_set; do
  if [ -z "$key" ] || [ "$key" = None ]; then continue; fi
  template_param["$key"]=1
  template_names+=("$key")
  [ "$echo_off" = True ] && no_echo["$key"]=1
  [ "$default_set" = True ] && has_default["$key"]=1
done <<< "$declared"

for key in "${param_keys[@]}"; do
  [ -n "${template_param[$key]:-}" ] ||
    fail "${CFN_PARAMETERS_FILE}: ${key} is not a parameter of ${CFN_TEMPLATE_FILE} (it has: ${template_names[*]:-none}). Nothing was changed. Fix the name or remove the line."
done
params=()
kept=()
missing=()
for key in "${template_names[@]}"; do
  if [ -n "${param_value[$key]+set}" ]; then
    params+=("{\"ParameterKey\":$(json_str "$key"),\"ParameterValue\":$(json_str "${param_value[$key]}")}")
  elif [ "$type" = UPDATE ]; then
    params+=("{\"ParameterKey\":$(json_str "$key"),\"UsePreviousValue\":true}")
    kept+=("$key")
  elif [ -z "${has_default[$key]:-}" ]; then
    missing+=("$key")
  fi
done
[ "${#missing[@]}" -eq 0 ] ||
  fail "${CFN_TEMPLATE_FILE} needs a value for ${missing[*]} (no Default), and ${CFN_PARAMETERS_FILE:-no parameters file} gives none. Nothing was changed. Add ${missing[0]}=<value> to the parameters file ('parameters-file' input)."

# shown(KEY): the value as the summary prints it; NoEcho values never appear.
shown() {
  if [ -n "${no_echo[$1]:-}" ]; then printf '****'; else printf '%s' "${param_value[$1]}"; fi
}

# ---- capabilities ----
caps=()
caps_why=""
add_cap() {
  local c
  for c in "${caps[@]}"; do [ "$c" = "$1" ] && return 0; done
  caps+=("$1")
}
if [ "$caps_input" = auto ]; then
  if [[ ",${resource_types}," == *",AWS::IAM::"* ]]; then
    add_cap CAPABILITY_IAM
    add_cap CAPABILITY_NAMED_IAM
    caps_why="the template has IAM resources"
  fi
  if [ -n "$transforms" ] && [ "$transforms" != None ]; then
    add_cap CAPABILITY_AUTO_EXPAND
    caps_why="${caps_why:+${caps_why}; }it declares the transform(s) ${transforms}"
  fi
  if [ -n "$aws_caps" ] && [ "$aws_caps" != None ]; then
    while IFS= read -r c; do add_cap "$c"; done < <(split_list "$aws_caps")
    caps_why="${caps_why:+${caps_why}; }CloudFormation's template summary asks for ${aws_caps}"
  fi
elif [ "$caps_input" != none ]; then
  while IFS= read -r c; do add_cap "$c"; done < <(split_list "${caps_input// /,}")
  caps_why="the 'capabilities' input"
fi
caps_args=()
if [ "${#caps[@]}" -gt 0 ]; then
  caps_args=(--capabilities="$(json_array "${caps[@]}")")
  say "capabilities: ${caps[*]} (${caps_why})"
fi
tag_args=()
if [ "${#tag_items[@]}" -gt 0 ]; then
  joined="$(IFS=,; printf '%s' "${tag_items[*]}")"
  tag_args=(--tags="[${joined}]")
fi
param_args=()
if [ "${#params[@]}" -gt 0 ]; then
  joined="$(IFS=,; printf '%s' "${params[*]}")"
  param_args=(--parameters="[${joined}]")
fi

# ---- the change set ----
# Unique per pipeline and job: a plan never collides with an earlier one left unexecuted.
cs_name="ci-${CI_PIPELINE_IID:-0}-${CI_JOB_ID:-0}"
description="GitLab ${CI_PROJECT_PATH:-project} ref ${ref} pipeline ${CI_PIPELINE_IID:-0} job ${CI_JOB_ID:-0}"
empty=false
if cs_id="$(aws_call cloudformation create-change-set --stack-name="$stack" --change-set-name="$cs_name" --change-set-type="$type" \
  --description="${description:0:1024}" "${template_args[@]}" "${param_args[@]}" "${caps_args[@]}" "${tag_args[@]}" "${role_args[@]}" \
  --query Id --output text)"; then
  say "change set ${cs_name} (${type}) created: ${cs_id}"
else
  case "$(aws_error)" in
    *"No updates are to be performed"* | *"didn't contain changes"*) empty=true ;;
    *) aws_failed "creating change set ${cs_name} for stack ${stack}" "" "fix what CloudFormation names above (the template or the parameters), then re-run the job" ;;
  esac
fi

if [ "$empty" = false ]; then
  deadline=$((SECONDS + cfn_wait_timeout))
  while :; do
    state="$(aws_call cloudformation describe-change-set --change-set-name="$cs_id" --query '[Status, ExecutionStatus, StatusReason]' --output text)" ||
      aws_failed "reading change set ${cs_name}" "change set ${cs_name} was created (not executed)" "re-run the job; its next run deletes this change set as stale"
    IFS=$'\t' read -r cs_status _ cs_reason <<< "$state"
    case "$cs_status" in
      CREATE_COMPLETE) break ;;
      FAILED)
        case "$cs_reason" in
          *"didn't contain changes"* | *"No updates are to be performed"*) empty=true ;;
          *)
            aws_call cloudformation delete-change-set --change-set-name="$cs_id" || true
            fail "CloudFormation could not create change set ${cs_name}: ${cs_reason}. Nothing was changed (the failed change set was deleted). Fix the template or the parameters, then re-run the job."
            ;;
        esac
        break
        ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || fail "change set ${cs_name} is still ${cs_status} after ${cfn_wait_timeout}s ('wait-timeout'). Nothing was executed; re-run the job."
    sleep "$cfn_poll_interval"
  done
fi

# ---- the summary ----
{
  echo "<!-- cloudformation-deploy plan: stack=${stack} region=${region} -->"
  echo "### CloudFormation plan: \`${stack}\` (${region})"
  echo
} > "$summary_md"

if [ "$empty" = true ]; then
  if [ -n "${cs_id:-}" ]; then
    aws_call cloudformation delete-change-set --change-set-name="$cs_id" ||
      aws_failed "deleting the empty change set ${cs_name}" "" "delete it yourself; the next plan deletes it as stale"
  fi
  say "no changes: the template and parameters match stack ${stack} as deployed (the empty change set was deleted)"
  echo "**No changes.** The template and parameters match the deployed stack." >> "$summary_md"
  dotenv_set "$report" CFN_PLAN_RESULT no-changes
else
  changes="$(aws_call cloudformation describe-change-set --change-set-name="$cs_id" \
    --query 'Changes[].ResourceChange.[Action, LogicalResourceId, ResourceType, Replacement]' --output text)" ||
    aws_failed "reading change set ${cs_name}" "change set ${cs_name} was created (not executed)" "re-run the job"
  adds=0 modifies=0 replacements=0 removals=0 others=0
  rows=()
  iam=()
  while IFS=$'\t' read -r action lid rtype replacement; do
    if [ -z "$action" ] || [ "$action" = None ]; then continue; fi
    [ "$replacement" = None ] && replacement=""
    case "$action" in
      Add) adds=$((adds + 1)) ;;
      Modify)
        modifies=$((modifies + 1))
        case "$replacement" in True | Conditional) replacements=$((replacements + 1)) ;; esac
        ;;
      Remove) removals=$((removals + 1)) ;;
      *) others=$((others + 1)) ;;
    esac
    note=""
    case "$replacement" in True) note="REPLACED" ;; Conditional) note="may be replaced" ;; esac
    rows+=("${action}|${lid}|${rtype}|${note}")
    case "$rtype" in AWS::IAM::* | AWS::KMS::Key | AWS::*Policy) iam+=("${action} ${lid} (${rtype})") ;; esac
  done <<< "$changes"
  headline="${adds} to add, ${modifies} to modify (${replacements} replacement$([ "$replacements" -eq 1 ] || echo s)), ${removals} to remove$([ "$others" -eq 0 ] || echo ", ${others} other")"
  say "plan for stack ${stack}: ${headline}"
  for row in "${rows[@]}"; do
    IFS='|' read -r action lid rtype note <<< "$row"
    printf '  %-8s %s (%s)%s\n' "$action" "$lid" "$rtype" "${note:+  ${note}}"
  done
  {
    echo "**${headline}** · change set \`${cs_name}\` (${type})"
    echo
    echo "| Action | Logical ID | Type | Replacement |"
    echo "|---|---|---|---|"
    for row in "${rows[@]}"; do
      IFS='|' read -r action lid rtype note <<< "$row"
      echo "| ${action} | \`${lid}\` | ${rtype} | ${note} |"
    done
  } >> "$summary_md"
  if [ "${#iam[@]}" -gt 0 ]; then
    say "IAM and security changes, review them: ${iam[*]}"
    {
      echo
      echo "> **IAM and security changes** (review before applying):"
      for i in "${iam[@]}"; do echo "> - ${i}"; done
    } >> "$summary_md"
  fi
  dotenv_set "$report" CFN_PLAN_RESULT changes
  dotenv_set "$report" CFN_CHANGE_SET_ID "$cs_id"
  dotenv_set "$report" CFN_CHANGE_SET_NAME "$cs_name"
fi
dotenv_set "$report" CFN_PLANNED_STACK "$stack"

if [ "${#param_keys[@]}" -gt 0 ] || [ "${#kept[@]}" -gt 0 ]; then
  {
    echo
    echo "| Parameter | Value |"
    echo "|---|---|"
    for key in "${param_keys[@]}"; do
      v="$(shown "$key")"
      v="${v//|/\\|}"
      echo "| ${key} | \`${v//\`/\'}\` |"
    done
    for key in "${kept[@]}"; do echo "| ${key} | (previous value) |"; done
  } >> "$summary_md"
  for key in "${param_keys[@]}"; do say "parameter ${key} = $(shown "$key")"; done
  [ "${#kept[@]}" -eq 0 ] || say "parameters keeping their previous value: ${kept[*]}"
fi
if [ "${#caps[@]}" -gt 0 ]; then
  printf '\nCapabilities: %s (%s)\n' "${caps[*]}" "$caps_why" >> "$summary_md"
fi
if [ -n "${CI_JOB_URL:-}" ]; then printf '\n[Plan job](%s)\n' "$CI_JOB_URL" >> "$summary_md"; fi

# ---- the merge request note: one per stack and region, updated on every plan ----
if is_true "$post_note"; then mr_note "cloudformation-deploy plan: stack=${stack} region=${region}" "$summary_md"; fi
say "plan written to ${summary_md}$([ "$empty" = true ] || echo "; the apply job executes change set ${cs_name} and nothing else")"
