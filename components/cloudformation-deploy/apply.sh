#!/usr/bin/env bash
# shellcheck shell=bash
# cfn_stack, cfn_status, the timeouts and the stack helpers come from stack.sh, which the job runs first.
# shellcheck disable=SC2154
# The apply job: executes exactly the change set its plan job created (by id, and only while it
# is still current), streams the stack events, enforces termination protection and writes the
# stack's outputs to the dotenv report.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=cloudformation-deploy

report=cloudformation.env
: > cloudformation.env

stack="$cfn_stack"
protect="$(bool termination-protection "${CFN_TERMINATION_PROTECTION:-}")"

# The plan job's dotenv report: which change set to execute.
[ "${CFN_PLANNED_STACK:-}" = "$stack" ] ||
  fail "no plan for stack ${stack} reached this job (the plan job's report names '${CFN_PLANNED_STACK:-nothing}'). Nothing was changed. Run the plan job of this pipeline first; this job needs its dotenv report."

changed=""
case "${CFN_PLAN_RESULT:-}" in
  no-changes)
    say "the plan found no changes for stack ${stack}: nothing to execute"
    ;;
  changes)
    cs="${CFN_CHANGE_SET_ID:-}"
    [[ "$cs" =~ ^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:[0-9]{12}:changeSet/[A-Za-z][A-Za-z0-9-]*/[A-Za-z0-9-]+$ ]] ||
      fail "the plan's change set id '${cs}' is not a change set ARN. Nothing was changed. Re-run the plan job."
    state="$(aws_call cloudformation describe-change-set --change-set-name="$cs" --query '[StackName, Status, ExecutionStatus, ChangeSetName]' --output text)" ||
      aws_failed "reading the planned change set ${cs}" "" "if it no longer exists (deleted by a newer plan of this ref, or by hand), re-run the plan job, review it, then run this job"
    IFS=$'\t' read -r cs_stack cs_status cs_exec cs_name <<< "$state"
    [ "$cs_stack" = "$stack" ] || fail "change set ${cs} belongs to stack ${cs_stack}, not ${stack}. Nothing was changed."
    if [ "$cs_status" != CREATE_COMPLETE ] || [ "$cs_exec" != AVAILABLE ]; then
      fail "change set ${cs_name} is ${cs_status}/${cs_exec}, not CREATE_COMPLETE/AVAILABLE: it is no longer current (the stack changed after the plan, or it was already executed). Nothing was changed. Re-run the plan job, review the new plan, then run this job."
    fi
    events_mark "$stack"
    say "executing change set ${cs_name} (${cs}) on stack ${stack}, exactly as planned"
    aws_call cloudformation execute-change-set --change-set-name="$cs" ||
      aws_failed "executing change set ${cs_name}" "" "re-run the plan job if the change set is no longer current; otherwise fix what AWS names and re-run this job"
    changed="change set ${cs_name} was executed"
    wait_stack "$stack" "$changed"
    case "$cfn_status" in
      CREATE_COMPLETE | UPDATE_COMPLETE | IMPORT_COMPLETE) say "stack ${stack} is ${cfn_status}" ;;
      *)
        print_failures
        case "$cfn_status" in
          ROLLBACK_COMPLETE) what="the stack's creation failed and was rolled back; it holds no resources and cannot be updated. Fix the cause, then re-run the pipeline with 'recreate-rolled-back-stack: true' (or delete the stack)" ;;
          UPDATE_ROLLBACK_COMPLETE) what="the update failed and was rolled back: the stack runs the previous template again. Fix the cause and re-run the pipeline" ;;
          UPDATE_ROLLBACK_FAILED) what="the update failed and so did its rollback. The next plan continues the rollback ('continue-update-rollback'); list resources that cannot roll back in 'resources-to-skip'" ;;
          *) what="look at the stack's events in the CloudFormation console" ;;
        esac
        fail "executing change set ${cs_name} on stack ${stack} ended in ${cfn_status}: ${what}."
        ;;
    esac
    ;;
  *)
    fail "the plan job's report has no result (CFN_PLAN_RESULT='${CFN_PLAN_RESULT:-}'). Nothing was changed. Re-run the plan job."
    ;;
esac

# Termination protection is set on every run, so a stack whose protection was turned off by hand
# (or that was created before the policy) gets it back.
current="$(aws_call cloudformation describe-stacks --stack-name="$stack" --query 'Stacks[0].EnableTerminationProtection' --output text)" ||
  aws_failed "reading stack ${stack}" "$changed" "re-run the job"
[ "$current" = True ] && current=true || current=false
if [ "$current" != "$protect" ]; then
  if is_true "$protect"; then
    aws_call cloudformation update-termination-protection --stack-name="$stack" --enable-termination-protection > /dev/null ||
      aws_failed "turning on termination protection of stack ${stack}" "$changed" "grant cloudformation:UpdateTerminationProtection to the job's role, or set 'termination-protection: false'"
  else
    aws_call cloudformation update-termination-protection --stack-name="$stack" --no-enable-termination-protection > /dev/null ||
      aws_failed "turning off termination protection of stack ${stack}" "$changed" "grant cloudformation:UpdateTerminationProtection to the job's role"
  fi
  say "termination protection of stack ${stack} turned $([ "$protect" = true ] && echo on || echo off) (it was $([ "$current" = true ] && echo on || echo off))"
else
  say "termination protection of stack ${stack} is $([ "$protect" = true ] && echo on || echo off), as required"
fi

outputs="$(aws_call cloudformation describe-stacks --stack-name="$stack" --query 'Stacks[0].[StackId, StackStatus]' --output text)" ||
  aws_failed "reading stack ${stack}" "$changed" "re-run the job"
IFS=$'\t' read -r stack_id stack_status <<< "$outputs"
dotenv_set "$report" CFN_STACK_ID "$stack_id"
dotenv_set "$report" CFN_STACK_STATUS "$stack_status"
outputs="$(aws_call cloudformation describe-stacks --stack-name="$stack" --query 'Stacks[0].Outputs[].[OutputKey, OutputValue]' --output text)" ||
  aws_failed "reading the outputs of stack ${stack}" "$changed" "re-run the job"
count=0
while IFS=$'\t' read -r key value; do
  if [ -z "$key" ] || [ "$key" = None ]; then continue; fi
  [[ "$key" =~ ^[A-Za-z0-9]+$ ]] || continue
  dotenv_set "$report" "CFN_OUTPUT_${key}" "$value"
  count=$((count + 1))
done <<< "$outputs"
say "${count} stack output(s) written to ${report} as CFN_OUTPUT_<key>"
