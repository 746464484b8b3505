#!/usr/bin/env bash
# shellcheck shell=bash
# Stops a review environment: deletes the merge request's ECS service. Runs when someone stops
# the environment, when the merge request is merged or closed, or when auto_stop_in expires,
# possibly after the branch is gone (the job needs no checkout).
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-service-pipeline

: "${ECS_CLUSTER:?}" "${ECS_SERVICE:?}"
[[ "$ECS_SERVICE" == review-?* ]] || fail "refusing to delete service '${ECS_SERVICE}': not a review service (review-<branch>)."
[[ "$ECS_CLUSTER" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$ ]] || fail "review-cluster '${ECS_CLUSTER}' is not an ECS cluster name. Fix the 'review-cluster' input or the variable it names."
status="$(aws_call ecs describe-services --cluster="$ECS_CLUSTER" --services="$ECS_SERVICE" --query 'services[0].status' --output text)" ||
  aws_failed "looking up service ${ECS_SERVICE} in cluster ${ECS_CLUSTER}" "" "the review role needs ecs:DescribeServices"
if [ "$status" = "ACTIVE" ]; then
  aws_call ecs delete-service --cluster="$ECS_CLUSTER" --service="$ECS_SERVICE" --force --query 'service.status' --output text > /dev/null ||
    aws_failed "deleting review service ${ECS_SERVICE}" "" "the review role needs ecs:DeleteService on the review cluster's services"
  say "review environment ${CI_ENVIRONMENT_NAME:-?} stopped: service ${ECS_SERVICE} deleted from cluster ${ECS_CLUSTER}"
else
  say "review environment ${CI_ENVIRONMENT_NAME:-?} stopped: service ${ECS_SERVICE} was already gone"
fi
