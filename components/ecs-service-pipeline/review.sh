#!/usr/bin/env bash
# shellcheck shell=bash
# A merge request's own ECS service: created on the first deploy from the review task definition
# family's latest revision, then updated by ecs-deploy's script like any other service.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-service-pipeline

: "${ECS_CLUSTER:?}" "${ECS_SERVICE:?}" "${REVIEW_TASK_FAMILY:?}"
[[ "$ECS_CLUSTER" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$ ]] || fail "review-cluster '${ECS_CLUSTER}' is not an ECS cluster name (letters, digits, '-' and '_'). Fix the 'review-cluster' input or the variable it names."
[[ "$ECS_SERVICE" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$ ]] || fail "the review service name '${ECS_SERVICE}' is not an ECS service name."
[[ "$REVIEW_TASK_FAMILY" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$ ]] || fail "review-task-definition '${REVIEW_TASK_FAMILY}' is not a task definition family name. Fix the 'review-task-definition' input."
status="$(aws_call ecs describe-services --cluster="$ECS_CLUSTER" --services="$ECS_SERVICE" --query 'services[0].status' --output text)" ||
  aws_failed "looking up service ${ECS_SERVICE} in cluster ${ECS_CLUSTER}" "" "check the 'review-cluster' input; the review role needs ecs:DescribeServices"
if [ "$status" != "ACTIVE" ]; then
  args=(--cluster="$ECS_CLUSTER" --service-name="$ECS_SERVICE" --task-definition="$REVIEW_TASK_FAMILY" --desired-count=1)
  if [ -n "${REVIEW_NETWORK_CONFIGURATION:-}" ]; then args+=(--network-configuration="$REVIEW_NETWORK_CONFIGURATION"); fi
  safe_arg review-network-configuration "${REVIEW_NETWORK_CONFIGURATION:-}"
  aws_call ecs create-service "${args[@]}" --query 'service.serviceName' --output text > /dev/null ||
    aws_failed "creating review service ${ECS_SERVICE} in cluster ${ECS_CLUSTER}" "" "check that task definition family '${REVIEW_TASK_FAMILY}' exists and the review role may call ecs:CreateService (and iam:PassRole on its task roles)"
  say "created review service ${ECS_SERVICE} in cluster ${ECS_CLUSTER} from ${REVIEW_TASK_FAMILY}"
fi
