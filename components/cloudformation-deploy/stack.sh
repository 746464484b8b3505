#!/usr/bin/env bash
# shellcheck shell=bash
# Stack helpers shared by the plan and apply jobs (the job runs this file first, in the same shell):
# reading a stack's status, streaming its new events, waiting for an operation to end.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=cloudformation-deploy

# stack_status NAME_OR_ID: the stack's status, or NONE when there is no such stack.
stack_status() {
  local out
  if out="$(aws_call cloudformation describe-stacks --stack-name="$1" --query 'Stacks[0].StackStatus' --output text)"; then
    printf '%s' "$out"
    return 0
  fi
  case "$(aws_error)" in
    *"does not exist"*) printf 'NONE' ;;
    *) return 1 ;;
  esac
}

declare -A cfn_seen_events=()
cfn_failures=()

# events_mark STACK: remembers the events so far, so only what this job causes is printed.
events_mark() {
  local id
  while IFS=$'\t' read -r id; do
    [ -n "$id" ] && cfn_seen_events["$id"]=1
  done < <(aws_call cloudformation describe-stack-events --stack-name="$1" --no-paginate --query 'StackEvents[].[EventId]' --output text || true)
  return 0
}

# events_print STACK: prints events not printed yet, oldest first, and collects the failures
# (resource, status, CloudFormation's reason) in cfn_failures.
events_print() {
  local lines id ts lid type status reason
  lines="$(aws_call cloudformation describe-stack-events --stack-name="$1" --no-paginate \
    --query 'StackEvents[].[EventId, Timestamp, LogicalResourceId, ResourceType, ResourceStatus, ResourceStatusReason]' --output text)" || return 0
  while IFS=$'\t' read -r id ts lid type status reason; do
    if [ -z "$id" ] || [ -n "${cfn_seen_events[$id]:-}" ]; then continue; fi
    cfn_seen_events["$id"]=1
    [ "$reason" = "None" ] && reason=""
    echo "  ${ts}  ${lid} (${type})  ${status}${reason:+  ${reason}}"
    case "$status" in
      *FAILED) cfn_failures+=("${lid} (${type}) ${status}: ${reason:-CloudFormation gave no reason}") ;;
    esac
  done < <(printf '%s\n' "$lines" | tac)
  return 0
}

# print_failures: the failing resources and CloudFormation's reasons, the causes first.
print_failures() {
  local f
  [ "${#cfn_failures[@]}" -gt 0 ] || return 0
  echo "${catalog_component}: failing resources and CloudFormation's reasons:" >&2
  for f in "${cfn_failures[@]}"; do
    # Resources cancelled because another failed are listed after the causes.
    case "$f" in *"cancelled"*) ;; *) echo "  - ${f}" >&2 ;; esac
  done
  for f in "${cfn_failures[@]}"; do
    case "$f" in *"cancelled"*) echo "  - ${f}" >&2 ;; esac
  done
}

# wait_stack STACK CHANGED: streams events until the stack leaves *_IN_PROGRESS; sets cfn_status.
# CHANGED says what the job has already changed, for the messages.
wait_stack() {
  local stack="$1" changed="$2" deadline=$((SECONDS + cfn_wait_timeout))
  while :; do
    cfn_status="$(stack_status "$stack")" ||
      aws_failed "reading the status of stack ${stack}" "$changed" "re-run the job when AWS answers again; the stack operation goes on in AWS without it"
    events_print "$stack"
    case "$cfn_status" in
      *_IN_PROGRESS) ;;
      *) return 0 ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "stack ${stack} is still ${cfn_status} after ${cfn_wait_timeout}s ('wait-timeout'). ${changed:+Already changed: ${changed} }The operation goes on in AWS: follow it in the CloudFormation console and re-run the job when it has ended, or raise 'wait-timeout'."
    fi
    sleep "$cfn_poll_interval"
  done
}

cfn_wait_timeout="$(uint wait-timeout "${CFN_WAIT_TIMEOUT:-}")"
cfn_poll_interval="$(uint poll-interval "${CFN_POLL_INTERVAL:-}" 1)"
cfn_stack="${CFN_STACK_NAME:-}"
[[ "$cfn_stack" =~ ^[A-Za-z][A-Za-z0-9-]{0,119}$ ]] ||
  bad_input stack-name "'${cfn_stack}' is not a CloudFormation stack name" "give letters, digits and '-', starting with a letter (at most 120), or a CI/CD variable holding one"
