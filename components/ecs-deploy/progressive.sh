#!/usr/bin/env bash
# shellcheck shell=bash
# shellcheck disable=SC2016 # backticks in single quotes are JMESPath literals, not shell
# shellcheck disable=SC2154 # cluster, service, td_arn, desired, region, wait_timeout, poll_interval, svc_*: deploy.sh's or gate.sh's
# Progressive delivery for ecs-deploy: blue/green, canary and linear deployments, native
# (ECS's own `deploymentConfiguration.strategy`, through UpdateService) or through CodeDeploy
# (services whose deployment controller is CODE_DEPLOY). deploy.sh calls
# `ecs_progressive_deploy` once the task definition is registered and the migration ran; for a
# rolling deployment it returns and deploy.sh carries on, otherwise it finishes the job.
#
# Phased flow (`pause-for-testing`): the job stops once the new revision serves the test
# listener, with the deployment's id and the test URL in the dotenv report; the user's test jobs
# run; then the manual promote job (gate.sh) continues the deployment or the rollback job rolls
# it back. Native: a PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT, continued with
# ContinueServiceDeployment. CodeDeploy: the deployment waits in `Ready` (the group's
# deploymentReadyOption is STOP_DEPLOYMENT), continued with ContinueDeployment.
# It uses the shell library and deploy.sh's `output`; gate.sh defines its own `output`.

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-deploy

# Checks the progressive inputs before anything changes (deploy.sh calls it with its inputs).
ecs_progressive_inputs() {
  local v name event fn hooks=""
  ECS_DEPLOYMENT_STRATEGY="$(trim "${ECS_DEPLOYMENT_STRATEGY:-}")"
  case "$ECS_DEPLOYMENT_STRATEGY" in "" | ROLLING | BLUE_GREEN | LINEAR | CANARY) ;; *)
    bad_input deployment-strategy "'$ECS_DEPLOYMENT_STRATEGY' is not ROLLING, BLUE_GREEN, LINEAR or CANARY" "pick one of those, or leave it empty to keep the service's" ;;
  esac
  for v in "ECS_BAKE_TIME:bake-time:1440" "ECS_STEP_BAKE_TIME:step-bake-time:1440" "ECS_PAUSE_TIMEOUT:pause-timeout:1440" "ECS_CANARY_PERCENT:canary-percent:100" "ECS_LINEAR_PERCENT:linear-percent:100"; do
    name="${v%%:*}"
    IFS=: read -r _ event fn <<< "$v"
    [ -z "${!name:-}" ] && continue
    { [[ "${!name}" =~ ^[0-9]{1,4}$ ]] && [ "$((10#${!name}))" -le "$fn" ]; } || bad_input "$event" "'${!name}' is not a whole number from 0 to $fn" "give a number such as 5"
    printf -v "$name" '%s' "$((10#${!name}))"
  done
  [ -z "${ECS_CANARY_PERCENT:-}" ] || [ "$ECS_CANARY_PERCENT" -ge 3 ] || bad_input canary-percent "$ECS_CANARY_PERCENT is below ECS's minimum of 3" "give 3 to 100"
  [ -z "${ECS_LINEAR_PERCENT:-}" ] || [ "$ECS_LINEAR_PERCENT" -ge 3 ] || bad_input linear-percent "$ECS_LINEAR_PERCENT is below ECS's minimum of 3" "give 3 to 100"
  pause_for_testing="${ECS_PAUSE_FOR_TESTING:-false}"
  case "$pause_for_testing" in true | false) ;; *) bad_input pause-for-testing "'$pause_for_testing' is not true or false" "give true or false" ;; esac
  v="$(trim "${ECS_LIFECYCLE_HOOKS:-}")"
  [ -z "$v" ] || [[ "$v" == "["*"]" ]] || bad_input lifecycle-hooks "is not a JSON array" "write the hooks as ECS's API takes them, e.g. [{\"hookTargetArn\":\"arn:aws:lambda:eu-west-1:123456789012:function:check\",\"roleArn\":\"arn:aws:iam::123456789012:role/ecs-hooks\",\"lifecycleStages\":[\"POST_SCALE_UP\"]}]"
  ECS_LIFECYCLE_HOOKS="$v"
  [ -z "${ECS_TEST_URL:-}" ] || [[ "$ECS_TEST_URL" =~ ^https?://[^[:space:]]+$ ]] || bad_input test-url "'$ECS_TEST_URL' is not an http(s) URL" "give the test listener's URL, e.g. https://test.example.com:8443"
  for v in "ECS_CODEDEPLOY_APPLICATION:codedeploy-application" "ECS_CODEDEPLOY_DEPLOYMENT_GROUP:codedeploy-deployment-group" "ECS_CODEDEPLOY_DEPLOYMENT_CONFIG:codedeploy-deployment-config" "ECS_CODEDEPLOY_CONTAINER_NAME:codedeploy-container-name"; do
    name="${v%%:*}"
    [ -z "${!name:-}" ] || { [[ "${!name}" =~ ^[A-Za-z0-9_.+-]{1,255}$ ]] && [[ "${!name}" != -* ]]; } || bad_input "${v#*:}" "'${!name}' is not a CodeDeploy or container name" "use letters, digits and . _ + - (not starting with -)"
  done
  [ -z "${ECS_CODEDEPLOY_CONTAINER_PORT:-}" ] || [[ "$ECS_CODEDEPLOY_CONTAINER_PORT" =~ ^[0-9]{1,5}$ ]] || bad_input codedeploy-container-port "'$ECS_CODEDEPLOY_CONTAINER_PORT' is not a port" "give the container port the load balancer targets"
  while IFS= read -r v; do
    v="$(trim "$v")"
    [ -z "$v" ] && continue
    [[ "$v" =~ ^(BeforeInstall|AfterInstall|AfterAllowTestTraffic|BeforeAllowTraffic|AfterAllowTraffic)=([A-Za-z0-9_:-]{1,140})$ ]] ||
      bad_input codedeploy-hooks "'$v' is not Event=function" "write one 'AfterAllowTestTraffic=my-test-function' per line (events: BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic)"
    hooks+="${hooks:+,}{$(json_str "${BASH_REMATCH[1]}"):$(json_str "${BASH_REMATCH[2]}")}"
  done <<< "${ECS_CODEDEPLOY_HOOKS:-}"
  codedeploy_hooks_json="${hooks:+[$hooks]}"
  return 0
}

# A JMESPath literal holding the JSON text $1 (backticks end a literal).
jlit_json() { printf '`%s`' "${1//\`/\\\`}"; }

# Returns (exit code 0) when the deployment is a plain rolling one, for deploy.sh to carry on.
ecs_progressive_deploy() {
  # shellcheck disable=SC2154 # svc_controller and svc_strategy: deploy.sh reads them from the service
  local controller="$svc_controller" service_strategy="$svc_strategy" strategy
  strategy="${ECS_DEPLOYMENT_STRATEGY:-}"
  [ -n "$strategy" ] || strategy="$service_strategy"
  say "deployment controller $controller, strategy $strategy${ECS_DEPLOYMENT_STRATEGY:+ (from the 'deployment-strategy' input; the service had $service_strategy)}"
  output ECS_DEPLOYMENT_CONTROLLER "$controller"
  case "$controller" in
    CODE_DEPLOY) ecs_codedeploy_deploy ;;
    EXTERNAL) fail "service '$service' uses the EXTERNAL deployment controller (task sets managed by another tool); this component cannot deploy it. Nothing was changed on the service." ;;
  esac
  if [ "$strategy" = ROLLING ]; then
    if is_true "$pause_for_testing"; then
      bad_input pause-for-testing "service '$service' deploys ROLLING, which has no test traffic to pause at" "set 'deployment-strategy' to BLUE_GREEN, CANARY or LINEAR (the service needs a load balancer with an alternate target group and test listener rule), or set 'pause-for-testing' to false"
    fi
    return 0
  fi
  ecs_native_deploy "$strategy"
}

ecs_native_deploy() {
  local strategy="$1" ours pause="[]" keep="" k config arn args
  ours="\"strategy\":$(json_str "$strategy")"
  [ -n "${ECS_BAKE_TIME:-}" ] && ours+=",\"bakeTimeInMinutes\":$ECS_BAKE_TIME"
  case "$strategy" in
    CANARY) ours+=",\"canaryConfiguration\":{\"canaryPercent\":${ECS_CANARY_PERCENT},\"canaryBakeTimeInMinutes\":${ECS_STEP_BAKE_TIME}}" ;;
    LINEAR) ours+=",\"linearConfiguration\":{\"stepPercent\":${ECS_LINEAR_PERCENT},\"stepBakeTimeInMinutes\":${ECS_STEP_BAKE_TIME}}" ;;
  esac
  if is_true "$pause_for_testing"; then
    pause="[{\"targetType\":\"PAUSE\",\"lifecycleStages\":[\"POST_TEST_TRAFFIC_SHIFT\"],\"timeoutConfiguration\":{\"timeoutInMinutes\":${ECS_PAUSE_TIMEOUT},\"action\":\"ROLLBACK\"}}]"
  fi
  # The service's circuit breaker, alarms, limits and bake time are kept (an unset field would be
  # reset), and its hooks except an earlier pause of ours; the inputs set override them.
  for k in deploymentCircuitBreaker maximumPercent minimumHealthyPercent alarms bakeTimeInMinutes; do keep+="($k && {$k: $k} || \`{}\`), "; done
  config="$(aws_call ecs describe-services --cluster="$cluster" --services="$service" --output text \
    --query "to_string(services[0].deploymentConfiguration || \`{}\` | merge(${keep}$(jlit_json "{$ours}"), {lifecycleHooks: [lifecycleHooks[?targetType!=\`\"PAUSE\"\`] || \`[]\`, $(jlit_json "${ECS_LIFECYCLE_HOOKS:-[]}"), $(jlit_json "$pause")][]}))")" || {
    [[ "$(aws_error)" == *"Bad value for --query"* ]] && bad_input lifecycle-hooks "is not a JSON array of lifecycle hooks" "write e.g. [{\"hookTargetArn\":\"arn:aws:lambda:...:function:check\",\"roleArn\":\"arn:aws:iam::...:role/ecs-hooks\",\"lifecycleStages\":[\"POST_SCALE_UP\"]}]"
    aws_failed "reading the service's deployment configuration" "the task definition $td_arn was registered" "fix what AWS names above and re-run the job"
  }
  args=(--cluster="$cluster" --service="$service" --task-definition="$td_arn" --deployment-configuration="$config")
  [ -n "$desired" ] && args+=(--desired-count="$desired")
  is_true "${ECS_FORCE_NEW_DEPLOYMENT:-false}" && args+=(--force-new-deployment)
  arn="$(aws_call ecs update-service "${args[@]}" --output text --query 'service.currentServiceDeployment || `"-"`')" ||
    aws_failed "updating the service ($strategy)" "the task definition $td_arn was registered" "fix what AWS names above and re-run the job"
  [ "$arn" != "-" ] || fail "ECS accepted the update but named no service deployment (currentServiceDeployment); the service now runs $td_arn. Follow it in the console."
  output ECS_SERVICE_DEPLOYMENT_ARN "$arn"
  say "service $service: $strategy deployment ${arn##*/} of ${td_arn##*/} started"
  ecs_follow_native "$arn" deploy
}

# ecs_follow_native ARN PHASE: follows a native service deployment. PHASE deploy stops at a
# pause of ours (exit 0, the gate jobs take over); PHASE promote follows to the end; PHASE
# rollback follows the rollback and fails the job once it is done.
ecs_follow_native() {
  local arn="$1" phase="$2" deadline out status stage reason hook_id hook_status last="" line
  deadline=$((SECONDS + wait_timeout))
  while :; do
    out="$(aws_call ecs describe-service-deployments --service-deployment-arns="$arn" --output text \
      --query 'serviceDeployments[0].[status, lifecycleStage || `"-"`, statusReason || `"-"`, lifecycleHookDetails[?targetType==`"PAUSE"`] | [0].hookId || `"-"`, lifecycleHookDetails[?targetType==`"PAUSE"`] | [0].status || `"-"`]')" ||
      aws_failed "reading service deployment $arn" "the service runs a $phase of $arn" "fix what AWS names above and re-run the job"
    IFS=$'\t' read -r status stage reason hook_id hook_status <<< "$out"
    line="$status at $stage"
    [ "$line" != "$last" ] && say "deployment ${arn##*/}: $line"
    last="$line"
    case "$status" in
      SUCCESSFUL)
        if [ "$phase" = rollback ]; then
          output ECS_DEPLOY_STATE COMPLETED
          fail "the deployment had already finished (SUCCESSFUL) before the rollback: the service runs the new revision. Deploy the previous task definition (${ECS_PREVIOUS_TASK_DEFINITION_ARN:-see the deploy job}) to go back."
        fi
        output ECS_DEPLOY_STATE COMPLETED
        say "deployment ${arn##*/} SUCCESSFUL: all production traffic is on the new revision"
        exit 0 ;;
      ROLLBACK_SUCCESSFUL | ROLLBACK_FAILED | STOPPED)
        output ECS_DEPLOY_STATE "$status"
        if [ "$phase" = rollback ]; then
          fail "rolled back ($status): the service runs the previous revision again. The job fails on purpose so the pipeline does not read as a successful release."
        fi
        [ "$(type -t diagnose)" = function ] && diagnose
        fail "ECS rolled the deployment back ($status): ${reason}. The service runs the previous revision; the new one ($td_arn) did not go live." ;;
    esac
    if [ "$phase" = deploy ] && [ "$hook_status" = AWAITING_ACTION ] && is_true "$pause_for_testing"; then
      output ECS_DEPLOY_STATE AWAITING_PROMOTION
      output ECS_PAUSE_HOOK_ID "$hook_id"
      [ -n "${ECS_TEST_URL:-}" ] && output ECS_TEST_URL "$ECS_TEST_URL"
      say "test traffic is on the new revision${ECS_TEST_URL:+ at $ECS_TEST_URL}; production traffic is still on the old one."
      say "deployment $arn waits (PAUSE hook $hook_id, rolls back by itself after ${ECS_PAUSE_TIMEOUT} min): run your tests, then the promote job to shift production traffic, or the rollback job."
      exit 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      output ECS_DEPLOY_STATE TIMED_OUT
      fail "deployment $arn was still $status at $stage after ${wait_timeout}s ('wait-timeout'); ECS carries on with it. Follow it in the console."
    fi
    sleep "$poll_interval"
  done
}

# ---------------------------------------------------------------- CodeDeploy
ecs_codedeploy_deploy() {
  local app group container port lb appspec sha args id out
  app="${ECS_CODEDEPLOY_APPLICATION:-AppECS-${cluster##*/}-${service##*/}}"
  group="${ECS_CODEDEPLOY_DEPLOYMENT_GROUP:-DgpECS-${cluster##*/}-${service##*/}}"
  [ -z "${ECS_DEPLOYMENT_STRATEGY:-}" ] || bad_input deployment-strategy "does not apply to service '$service', whose deployment controller is CODE_DEPLOY: the deployment group's configuration decides" "leave it empty, or pick a CodeDeploy configuration with 'codedeploy-deployment-config'"
  out="$(aws_call ecs describe-task-definition --task-definition="$td_arn" --output text \
    --query 'taskDefinition.containerDefinitions[?portMappings[0].containerPort] | [0].[name, to_string(portMappings[0].containerPort)]')" ||
    aws_failed "reading task definition $td_arn" "the task definition $td_arn was registered" "fix what AWS names above and re-run the job"
  IFS=$'\t' read -r container port <<< "$out"
  container="${ECS_CODEDEPLOY_CONTAINER_NAME:-$container}"
  port="${ECS_CODEDEPLOY_CONTAINER_PORT:-$port}"
  { [ -n "$container" ] && [ "$container" != None ] && [[ "$port" =~ ^[0-9]+$ ]]; } ||
    bad_input codedeploy-container-name "the task definition has no container with a port mapping for the load balancer" "set 'codedeploy-container-name' and 'codedeploy-container-port'"
  lb="{\"ContainerName\":$(json_str "$container"),\"ContainerPort\":$port}"
  appspec="{\"version\":0.0,\"Resources\":[{\"TargetService\":{\"Type\":\"AWS::ECS::Service\",\"Properties\":{\"TaskDefinition\":$(json_str "$td_arn"),\"LoadBalancerInfo\":$lb}}}]"
  [ -n "$codedeploy_hooks_json" ] && appspec+=",\"Hooks\":$codedeploy_hooks_json"
  appspec+="}"
  sha="$(printf '%s' "$appspec" | sha256sum | cut -c1-64)"
  printf '{"revisionType":"AppSpecContent","appSpecContent":{"content":%s,"sha256":"%s"}}' "$(json_str "$appspec")" "$sha" > "$CATALOG_JOB_DIR/revision.json"
  args=(--application-name="$app" --deployment-group-name="$group" --revision="file://$CATALOG_JOB_DIR/revision.json" --description="GitLab pipeline ${CI_PIPELINE_ID:-?}: ${td_arn##*/}")
  [ -n "${ECS_CODEDEPLOY_DEPLOYMENT_CONFIG:-}" ] && args+=(--deployment-config-name="$ECS_CODEDEPLOY_DEPLOYMENT_CONFIG")
  say "CodeDeploy: $app/$group deploys ${td_arn##*/} (container $container, port $port)"
  id="$(aws_call deploy create-deployment "${args[@]}" --query 'deploymentId' --output text)" ||
    aws_failed "creating the CodeDeploy deployment" "the task definition $td_arn was registered" "fix what AWS names above and re-run the job"
  output ECS_CODEDEPLOY_DEPLOYMENT_ID "$id"
  say "CodeDeploy deployment $id: https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${id}?region=${region}"
  ecs_follow_codedeploy "$id" deploy
}

# ecs_follow_codedeploy ID PHASE: as ecs_follow_native, for a CodeDeploy deployment.
ecs_follow_codedeploy() {
  local id="$1" phase="$2" deadline out status code message rollback last=""
  deadline=$((SECONDS + wait_timeout))
  while :; do
    out="$(aws_call deploy get-deployment --deployment-id="$id" --output text \
      --query 'deploymentInfo.[status, errorInformation.code || `"-"`, errorInformation.message || `"-"`, rollbackInfo.rollbackMessage || `"-"`]')" ||
      aws_failed "reading CodeDeploy deployment $id" "deployment $id is running" "fix what AWS names above and re-run the job"
    IFS=$'\t' read -r status code message rollback <<< "$out"
    [ "$status" != "$last" ] && say "CodeDeploy deployment $id: $status"
    last="$status"
    case "$status" in
      Succeeded)
        output ECS_DEPLOY_STATE COMPLETED
        if [ "$phase" = rollback ]; then fail "the deployment had already Succeeded before the rollback; deploy the previous task definition to go back."; fi
        say "CodeDeploy deployment $id Succeeded: all production traffic is on the new revision"
        exit 0 ;;
      Failed | Stopped)
        output ECS_DEPLOY_STATE ROLLED_BACK
        [ "$rollback" != "-" ] && echo "ecs-deploy: CodeDeploy rollback: $rollback" >&2
        [ "$phase" = rollback ] && fail "rolled back: CodeDeploy deployment $id is $status and production traffic stays on the original task set. The job fails on purpose so the pipeline does not read as a successful release."
        fail "CodeDeploy deployment $id $status ($code: $message). Production traffic stays on (or returned to) the original task set." ;;
      Ready)
        if [ "$phase" = deploy ] && is_true "$pause_for_testing"; then
          output ECS_DEPLOY_STATE AWAITING_PROMOTION
          [ -n "${ECS_TEST_URL:-}" ] && output ECS_TEST_URL "$ECS_TEST_URL"
          say "the replacement task set serves the test listener${ECS_TEST_URL:+ at $ECS_TEST_URL}; production traffic is still on the original."
          say "deployment $id waits in Ready: run your tests, then the promote job to reroute production traffic, or the rollback job."
          exit 0
        fi ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
      output ECS_DEPLOY_STATE TIMED_OUT
      fail "CodeDeploy deployment $id was still $status after ${wait_timeout}s ('wait-timeout'); it carries on. Follow it in the console."
    fi
    sleep "$poll_interval"
  done
}
