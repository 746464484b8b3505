#!/usr/bin/env bash
# shellcheck shell=bash
# The manual gates after a deploy that paused for testing (progressive.sh). Promote continues
# the deployment (production traffic shifts to the new revision) and follows it to the end;
# rollback rolls it back and fails the job once the service is back on the old revision, so
# the pipeline never reads as a successful release. What to act on comes from the deploy job's
# dotenv report; the deployment must still be waiting as the deploy job left it.
set -euo pipefail
export AWS_PAGER=""

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-deploy

action="${ECS_GATE_ACTION:-}"
case "$action" in promote | rollback) ;; *) fail "ECS_GATE_ACTION '$action' is not promote or rollback" ;; esac
env_file="ecs-${action}.env"
: > "$env_file"
output() { dotenv_set "$env_file" "$1" "$2"; }
# shellcheck disable=SC2034 # read by progressive.sh's follow functions
pause_for_testing=false
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"
cluster="${ECS_CLUSTER:-}"
service="${ECS_SERVICE:-}"
td_arn="${ECS_TASK_DEFINITION_ARN:-}"
desired=""
wait_timeout="$(uint wait-timeout "${ECS_WAIT_TIMEOUT:-}")"
poll_interval="$(uint poll-interval "${ECS_POLL_INTERVAL:-}" 1)"
: "$cluster" "$service" "$td_arn" "$desired" "$region" "$wait_timeout" "$poll_interval"

# Jobs that need only this gate (e.g. a release note after the promotion) get the revisions too.
[ -n "$td_arn" ] && output ECS_TASK_DEFINITION_ARN "$td_arn"
[ -n "${ECS_PREVIOUS_TASK_DEFINITION_ARN:-}" ] && output ECS_PREVIOUS_TASK_DEFINITION_ARN "$ECS_PREVIOUS_TASK_DEFINITION_ARN"

state="${ECS_DEPLOY_STATE:-}"
if [ "$state" != AWAITING_PROMOTION ]; then
  case "$state" in
    "") fail "this job needs the deploy job's dotenv report (ECS_DEPLOY_STATE is empty): run it after the deploy job, with 'needs: [{job: <deploy job>, artifacts: true}]' (the component sets this up). Nothing was changed." ;;
    COMPLETED) [ "$action" = promote ] && { say "nothing to promote: the deploy job already finished the deployment"; output ECS_DEPLOY_STATE COMPLETED; exit 0; }
      fail "the deploy job finished the deployment (COMPLETED): there is no paused deployment to roll back. Deploy the previous task definition (${ECS_PREVIOUS_TASK_DEFINITION_ARN:-see the deploy job}) to go back. Nothing was changed." ;;
    *) fail "the deploy job did not pause for testing (state $state); there is nothing to $action. Nothing was changed." ;;
  esac
fi

if [ "${ECS_DEPLOYMENT_CONTROLLER:-ECS}" = CODE_DEPLOY ]; then
  id="${ECS_CODEDEPLOY_DEPLOYMENT_ID:-}"
  [[ "$id" =~ ^[A-Za-z0-9-]{1,64}$ ]] || fail "ECS_CODEDEPLOY_DEPLOYMENT_ID '$id' from the deploy job's report is not a CodeDeploy deployment id"
  status="$(aws_call deploy get-deployment --deployment-id="$id" --query 'deploymentInfo.status' --output text)" ||
    aws_failed "reading CodeDeploy deployment $id" "" "fix what AWS names above and re-run the job"
  [ "$status" = Ready ] || fail "CodeDeploy deployment $id is $status, not Ready as the deploy job left it (it timed out, or someone acted on it in the console); this job does not touch it. Nothing was changed."
  if [ "$action" = promote ]; then
    say "promoting: CodeDeploy deployment $id reroutes production traffic to the new task set"
    aws_call deploy continue-deployment --deployment-id="$id" --deployment-wait-type=READY_WAIT || aws_failed "continuing CodeDeploy deployment $id" "" "fix what AWS names above and re-run the job"
  else
    say "rolling back: stopping CodeDeploy deployment $id with automatic rollback; production traffic stays on the original task set"
    aws_call deploy stop-deployment --deployment-id="$id" --auto-rollback-enabled --query 'status' --output text || aws_failed "stopping CodeDeploy deployment $id" "" "fix what AWS names above and re-run the job"
  fi
  ecs_follow_codedeploy "$id" "$action"
fi

arn="${ECS_SERVICE_DEPLOYMENT_ARN:-}"
hook="${ECS_PAUSE_HOOK_ID:-}"
[[ "$arn" =~ ^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:service-deployment/[A-Za-z0-9/_-]+$ ]] || fail "ECS_SERVICE_DEPLOYMENT_ARN '$arn' from the deploy job's report is not a service deployment ARN"
[[ "$hook" =~ ^[A-Za-z0-9_-]+$ ]] || fail "ECS_PAUSE_HOOK_ID '$hook' from the deploy job's report is not a hook id"
out="$(aws_call ecs describe-service-deployments --service-deployment-arns="$arn" --output text \
  --query "serviceDeployments[0].[status, lifecycleStage || \`\"-\"\`, lifecycleHookDetails[?hookId==\`\"$hook\"\`] | [0].status || \`\"-\"\`]")" ||
  aws_failed "reading service deployment $arn" "" "fix what AWS names above and re-run the job"
IFS=$'\t' read -r status stage hook_status <<< "$out"
if [ "$status" != IN_PROGRESS ] || [ "$hook_status" != AWAITING_ACTION ]; then
  fail "deployment ${arn##*/} is $status at $stage with its pause hook $hook_status, not paused for testing as the deploy job left it (the pause timed out, or someone acted in the console); this job does not touch it. Nothing was changed."
fi
if [ "$action" = promote ]; then
  say "promoting: deployment ${arn##*/} continues from $stage; production traffic shifts to the new revision"
  aws_call ecs continue-service-deployment --service-deployment-arn="$arn" --hook-id="$hook" --action=CONTINUE --query 'serviceDeploymentArn' --output text > /dev/null ||
    aws_failed "continuing deployment ${arn##*/}" "" "fix what AWS names above and re-run the job"
else
  say "rolling back: deployment ${arn##*/} rolls back from $stage; production traffic stays on the old revision"
  aws_call ecs continue-service-deployment --service-deployment-arn="$arn" --hook-id="$hook" --action=ROLLBACK --query 'serviceDeploymentArn' --output text > /dev/null ||
    aws_failed "rolling deployment ${arn##*/} back" "" "fix what AWS names above and re-run the job"
fi
ecs_follow_native "$arn" "$action"
