#!/usr/bin/env bash
# shellcheck shell=bash
# shellcheck disable=SC2016 # backticks in single quotes are JMESPath literals, not shell
# Deploys to an ECS service: task definition (clone + edit, file, or existing revision),
# optional migration task, service update, wait for rolloutState COMPLETED, housekeeping.
#
# The job image has the AWS CLI but no jq or python, so the AWS CLI's JMESPath engine does all
# JSON work: edits are one `--query` expression evaluated on the describe-task-definition answer,
# and a task definition file is embedded as a JMESPath JSON literal in the query of the one call
# that needs no permission (sts get-caller-identity).
set -euo pipefail
export AWS_PAGER=""

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=ecs-deploy

: > ecs-deploy.env
output() { dotenv_set ecs-deploy.env "$1" "$2"; }

# A JMESPath JSON literal (`"..."`) holding the string $1; backticks end a literal, so escape them.
jlit() {
  local s
  s="$(json_str "$1")"
  printf '`%s`' "${s//\`/\\\`}"
}

# ---------------------------------------------------------------- inputs
cluster="$(trim "${ECS_CLUSTER:-}")"
service="$(trim "${ECS_SERVICE:-}")"
[ -n "$cluster" ] || bad_input cluster "is empty" "set 'cluster' to the cluster name (if you pass \$CI_AWS_ECS_CLUSTER, define that variable for this environment)"
[ -n "$service" ] || bad_input service "is empty" "set 'service' to the service name (if you pass \$CI_AWS_ECS_SERVICE, define that variable for this environment)"
# GitLab builds the deploy lock (resource_group ecs-deploy/<cluster>/<service>) from these values
# and silently drops a key with ':' or a trailing '/', so an ARN would deploy without the lock.
for pair in "cluster:$cluster" "service:$service"; do
  name="${pair%%:*}" value="${pair#*:}"
  if [[ "$value" == arn:* ]]; then
    bad_input "$name" "'$value' is an ARN; GitLab refuses ':' in the deploy lock (resource_group) built from it and would run this deploy without a lock" "give the $name's name (the part after the last '/'), e.g. '${value##*/}'"
  fi
  [[ "$value" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$ ]] ||
    bad_input "$name" "'$value' is not an ECS $name name" "use 1-120 letters, digits, '-' and '_', starting with a letter or digit"
done

td_input="$(trim "${ECS_TASK_DEFINITION:-}")"
td_file="$(trim "${ECS_TASK_DEFINITION_FILE:-}")"
if [ -n "$td_input" ] && [ -n "$td_file" ]; then
  bad_input task-definition-file "is set together with 'task-definition'" "set only one of them"
fi
if [ -n "$td_file" ]; then
  safe_arg task-definition-file "$td_file"
  td_path="$(path_arg task-definition-file "$td_file")"
  [ -f "$td_path" ] || bad_input task-definition-file "'$td_file' does not exist in the repository" "commit the file or fix the path (relative to the project root)"
fi
safe_arg task-definition "$td_input"
if [ -n "$td_input" ] && ! [[ "$td_input" =~ ^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task-definition/)?[A-Za-z0-9_-]{1,255}(:[0-9]+)?$ ]]; then
  bad_input task-definition "'$td_input' is not a family, family:revision or task definition ARN" "use e.g. 'web', 'web:42' or 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:42'"
fi

wait_timeout="$(uint wait-timeout "${ECS_WAIT_TIMEOUT:-}")"
poll_interval="$(uint poll-interval "${ECS_POLL_INTERVAL:-}" 1)"
keep_revisions="$(uint keep-revisions "${ECS_KEEP_REVISIONS:-}")"
migration_timeout="$(uint migration-timeout "${ECS_MIGRATION_TIMEOUT:-}")"
desired="$(trim "${ECS_DESIRED_COUNT:-}")"
[ -z "$desired" ] || desired="$(uint desired-count "$desired")"
force_new_deployment="$(bool force-new-deployment "${ECS_FORCE_NEW_DEPLOYMENT:-false}")"
enable_circuit_breaker="$(bool enable-circuit-breaker "${ECS_ENABLE_CIRCUIT_BREAKER:-false}")"
rollback_on_failure="$(bool rollback-on-failure "${ECS_ROLLBACK_ON_FAILURE:-false}")"
wait_rollout="$(bool wait "${ECS_WAIT:-true}")"

single_line environment-url "${ECS_ENVIRONMENT_URL:-}"

# images: container=image
declare -A new_image=()
containers_edited=()
while IFS= read -r item; do
  [[ "$item" =~ ^([A-Za-z0-9_-]{1,255})[[:space:]]*=[[:space:]]*([^[:space:]]+)$ ]] ||
    bad_input images "'$item' is not a container=image pair" "write pairs like 'web=registry.example.com/app:1.4', separated by commas or newlines"
  new_image["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
  containers_edited+=("${BASH_REMATCH[1]}")
done < <(split_list "${ECS_IMAGES:-}")

# container-environment: container:NAME=value, one per line (values may contain commas)
declare -A env_names=() env_values=()
while IFS= read -r line; do
  line="$(trim "$line")"
  [ -z "$line" ] && continue
  [[ "$line" =~ ^([A-Za-z0-9_-]{1,255}):([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] ||
    bad_input container-environment "'${line%%=*}=...' is not container:NAME=value" "write one 'web:LOG_LEVEL=debug' per line"
  c="${BASH_REMATCH[1]}"
  env_names["$c"]+="${BASH_REMATCH[2]}"$'\n'
  env_values["$c"]+="${BASH_REMATCH[3]}"$'\n'
  containers_edited+=("$c")
done <<< "${ECS_CONTAINER_ENVIRONMENT:-}"

# task-definition-tags: key=value
tag_keys=()
tag_values=()
while IFS= read -r item; do
  [[ "$item" =~ ^([^=]{1,128})=(.{0,256})$ ]] || bad_input task-definition-tags "'$item' is not key=value" "write pairs like 'team=payments', separated by commas or newlines"
  tag_keys+=("$(trim "${BASH_REMATCH[1]}")")
  tag_values+=("$(trim "${BASH_REMATCH[2]}")")
done < <(split_list "${ECS_TASK_DEFINITION_TAGS:-}")

edits=$(( ${#containers_edited[@]} + ${#tag_keys[@]} ))

if [ -n "${CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED:-}" ]; then
  say "CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED is set: not waiting for the rollout"
  wait_rollout=false
fi

ecs_progressive_inputs # progressive.sh: strategy, hooks, pause for testing, CodeDeploy

migration_command="$(trim "${ECS_MIGRATION_COMMAND:-}")"
if [ -n "$migration_command" ] && [ "${migration_command:0:1}" != "[" ]; then
  # A plain command line runs in a shell, so `bin/migrate --yes && echo ok` works as typed.
  migration_command="[\"sh\",\"-c\",$(json_str "$migration_command")]"
elif [ -n "$migration_command" ] && ! [[ "$migration_command" =~ ^\[[[:space:]]*(\"([^\"\\]|\\.)*\"[[:space:]]*(,[[:space:]]*\"([^\"\\]|\\.)*\"[[:space:]]*)*)?\]$ ]]; then
  # It is pasted into the run-task overrides as JSON: only an array of strings may go there.
  bad_input migration-command "'$migration_command' is not a JSON array of strings" "write it like [\"bin/rails\", \"db:migrate\"], or as a plain command line"
fi

# ---------------------------------------------------------------- the service as it is
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"
svc_out="$(aws_call ecs describe-services --cluster="$cluster" --services="$service" --output text --query \
  '[services[0].status || failures[0].reason || `"MISSING"`, services[0].taskDefinition || `"-"`, to_string(services[0].desiredCount), to_string(services[0].deploymentConfiguration.maximumPercent), to_string(services[0].deploymentConfiguration.minimumHealthyPercent), services[0].launchType || `"-"`, to_string(services[0].networkConfiguration), to_string(services[0].capacityProviderStrategy), services[0].deploymentController.type || `"ECS"`, services[0].deploymentConfiguration.strategy || `"ROLLING"`]')" ||
  aws_failed "describing service '$service' in cluster '$cluster'" "" "check the 'cluster' and 'service' inputs, the region ('$region') and the role's ecs:DescribeServices permission"
# shellcheck disable=SC2034 # svc_controller and svc_strategy are read by progressive.sh
IFS=$'\t' read -r svc_status previous_td current_desired max_percent min_healthy launch_type svc_network svc_capacity svc_controller svc_strategy <<< "$svc_out"
case "$svc_status" in
  ACTIVE) ;;
  MISSING) fail "service '$service' does not exist in cluster '$cluster' (region $region). Create it first (this component updates services), or fix the 'service'/'cluster' inputs." ;;
  *) fail "service '$service' in cluster '$cluster' is $svc_status, not ACTIVE; a draining or deleted service cannot be deployed to." ;;
esac
say "service $service in $cluster runs $previous_td (desired count $current_desired)"
output ECS_PREVIOUS_TASK_DEFINITION_ARN "$previous_td"

# ---------------------------------------------------------------- task definition
# The fields RegisterTaskDefinition accepts, from this CLI's own API model: everything else
# describe-task-definition returns (revision, status, registeredAt...) is read-only.
allowed=()
min_indent=99
while IFS= read -r line; do
  if [[ "$line" =~ ^(\ +)\"([A-Za-z0-9]+)\":\  ]]; then
    indent=${#BASH_REMATCH[1]}
    if [ "$indent" -lt "$min_indent" ]; then min_indent=$indent; allowed=(); fi
    [ "$indent" -eq "$min_indent" ] && allowed+=("${BASH_REMATCH[2]}")
  fi
done < <(aws ecs register-task-definition --generate-cli-skeleton input)
[ "${#allowed[@]}" -gt 0 ] || fail "could not read the RegisterTaskDefinition fields from 'aws ecs register-task-definition --generate-cli-skeleton'"

# Builds the JMESPath expression that turns {d: definition, g: tags} into
# [definition JSON, tags JSON, container names JSON, ignored keys JSON].
render_query() {
  local picks="" key allowed_json="" c edit names values name value filter newenv i
  for key in "${allowed[@]}"; do
    allowed_json+="\"$key\","
    case "$key" in containerDefinitions | tags) continue ;; esac
    picks+="(d.\"$key\" && {\"$key\": d.\"$key\"} || \`{}\`), "
  done
  allowed_json="[${allowed_json%,}]"
  local per_container=""
  declare -A done_c=()
  for c in "${containers_edited[@]}"; do
    [ -n "${done_c[$c]:-}" ] && continue
    done_c["$c"]=1
    edit=""
    if [ -n "${new_image[$c]:-}" ]; then edit+="image: $(jlit "${new_image[$c]}"), "; fi
    if [ -n "${env_names[$c]:-}" ]; then
      mapfile -t names <<< "${env_names[$c]%$'\n'}"
      mapfile -t values <<< "${env_values[$c]%$'\n'}"
      filter="" newenv=""
      declare -A last=()
      for i in "${!names[@]}"; do last["${names[$i]}"]=$i; done
      for i in "${!names[@]}"; do
        name="${names[$i]}" value="${values[$i]}"
        [ "${last[$name]}" = "$i" ] || continue
        filter+="name != $(jlit "$name") && "
        newenv+="{name: $(jlit "$name"), value: $(jlit "$value")}, "
      done
      unset last
      edit+="environment: [environment[?${filter% && }] || \`[]\`, [${newenv%, }]][], "
    fi
    per_container+=", (name == $(jlit "$c") && {${edit%, }} || \`{}\`)"
  done
  local tags="g || \`[]\`"
  if [ "${#tag_keys[@]}" -gt 0 ]; then
    local tfilter="" tnew=""
    for i in "${!tag_keys[@]}"; do
      tfilter+="key != $(jlit "${tag_keys[$i]}") && "
      tnew+="{key: $(jlit "${tag_keys[$i]}"), value: $(jlit "${tag_values[$i]}")}, "
    done
    tags="[g[?${tfilter% && }] || \`[]\`, [${tnew%, }]][]"
  fi
  printf '[to_string(merge(%s{containerDefinitions: d.containerDefinitions[].merge(@%s)})), to_string(%s), to_string(d.containerDefinitions[].name), to_string(keys(d)[?!contains(`%s`, @)])]' \
    "$picks" "$per_container" "$tags" "$allowed_json"
}

mode=""
base=""
if [ -n "$td_file" ]; then
  mode="file"
elif [ -n "$td_input" ]; then
  base="$td_input"
  if [ "$edits" -eq 0 ]; then mode=existing; else mode=clone; fi
else
  base="$previous_td"
  if [ "$edits" -eq 0 ]; then mode=existing; else mode=clone; fi
fi

workdir="$CATALOG_JOB_DIR"
td_arn=""
registered_note=""
migration_note=""
case "$mode" in
  existing)
    td_arn="$(aws_call ecs describe-task-definition --task-definition="$base" --query 'taskDefinition.taskDefinitionArn' --output text)" ||
      aws_failed "reading task definition '$base'" "" "check the 'task-definition' input (family:revision or ARN) and the region ('$region')"
    say "deploying the existing task definition $td_arn (nothing to edit, so no new revision is registered)"
    ;;
  clone | file)
    if [ "$mode" = clone ]; then
      say "editing the registered task definition $base"
      rendered="$(aws ecs describe-task-definition --task-definition="$base" --include TAGS --output text \
        --query="{d: taskDefinition, g: tags} | $(render_query)")" ||
        fail "could not read task definition '$base'; check the 'task-definition' input and the role's ecs:DescribeTaskDefinition permission"
    else
      case "$td_file" in
        *.yml | *.yaml)
          [ "${#containers_edited[@]}" -eq 0 ] || bad_input task-definition-file "'$td_file' is YAML, which the job cannot edit (no YAML parser in the AWS CLI image)" "put the images in the file, or use a JSON task definition with the 'images'/'container-environment' inputs"
          cli_version="$("aws" --version 2>&1)" # quoted so the policy check does not read it as an API call
          [[ "$cli_version" == aws-cli/2* ]] || bad_input task-definition-file "YAML task definitions need AWS CLI v2 (--cli-input-yaml)" "use the default image, or a JSON file"
          ;;
        *)
          say "reading task definition file $td_file"
          doc="$(cat -- "$td_path")"
          [[ "$doc" =~ ^[[:space:]]*\{ ]] || bad_input task-definition-file "'$td_file' does not start with a JSON object" "give the path of a JSON task definition (as 'aws ecs register-task-definition --cli-input-json' takes it)"
          doc="${doc//\`/\\\`}"
          rendered="$(aws sts get-caller-identity --output text --query="\`$doc\` | {d: @, g: tags} | $(render_query)" 2>"$workdir/err")" || {
            if [[ "$(cat -- "$workdir/err")" == *"Bad value for --query"* ]]; then
              bad_input task-definition-file "'$td_file' is not valid JSON" "check it with 'python3 -m json.tool $td_file' or your editor"
            fi
            cat -- "$workdir/err" >&2
            fail "could not read '$td_file' (see above)"
          }
          ;;
      esac
    fi
    if [ -n "${rendered:-}" ]; then
      IFS=$'\t' read -r td_json tags_json names_json ignored_json <<< "$rendered"
      td_names=" $(printf '%s' "$names_json" | tr -d '[]"' | tr ',' ' ') "
      for c in "${containers_edited[@]}"; do
        case "$td_names" in
          *" $c "*) ;;
          *) bad_input "$( [ -n "${new_image[$c]:-}" ] && echo images || echo container-environment)" "the task definition has no container named '$c' (it has:${td_names% })" "use one of those container names" ;;
        esac
      done
      if [ "$ignored_json" != "[]" ]; then
        say "not copied (read-only or unknown to RegisterTaskDefinition): $(printf '%s' "$ignored_json" | tr -d '[]"' | tr ',' ' ')"
      fi
      printf '%s' "$td_json" > "$workdir/taskdef.json"
      for c in "${!new_image[@]}"; do say "container $c: image ${new_image[$c]}"; done
      for c in "${!env_names[@]}"; do say "container $c: environment $(printf '%s' "${env_names[$c]}" | tr '\n' ' ')"; done
      # --cli-input-json must be its own word: the CLI looks for it by name to relax required options.
    if [ "$tags_json" != "[]" ]; then
        td_arn="$(aws_call ecs register-task-definition --cli-input-json "file://$workdir/taskdef.json" --tags="$tags_json" --query 'taskDefinition.taskDefinitionArn' --output text)" ||
          aws_failed "registering a new revision of the task definition" "" "check the task definition (the error above names the field) and the role's ecs:RegisterTaskDefinition permission"
      else
        td_arn="$(aws_call ecs register-task-definition --cli-input-json "file://$workdir/taskdef.json" --query 'taskDefinition.taskDefinitionArn' --output text)" ||
          aws_failed "registering a new revision of the task definition" "" "check the task definition (the error above names the field) and the role's ecs:RegisterTaskDefinition permission"
      fi
    else
      # YAML file, registered as written.
      yaml_tags=()
      if [ "${#tag_keys[@]}" -gt 0 ]; then
        for i in "${!tag_keys[@]}"; do yaml_tags+=("{\"key\":$(json_str "${tag_keys[$i]}"),\"value\":$(json_str "${tag_values[$i]}")}"); done
        yaml_tags_json="[$(IFS=,; printf '%s' "${yaml_tags[*]}")]"
        td_arn="$(aws_call ecs register-task-definition --cli-input-yaml "file://$td_path" --tags="$yaml_tags_json" --query 'taskDefinition.taskDefinitionArn' --output text)" ||
          aws_failed "registering a new revision of the task definition" "" "check the task definition (the error above names the field) and the role's ecs:RegisterTaskDefinition permission"
      else
        td_arn="$(aws_call ecs register-task-definition --cli-input-yaml "file://$td_path" --query 'taskDefinition.taskDefinitionArn' --output text)" ||
          aws_failed "registering a new revision of the task definition" "" "check the task definition (the error above names the field) and the role's ecs:RegisterTaskDefinition permission"
      fi
    fi
    say "registered $td_arn"
    registered_note="new task definition revision $td_arn was registered (not in use; deregister it if unwanted); "
    ;;
esac
output ECS_TASK_DEFINITION_ARN "$td_arn"
family_rev="${td_arn##*/}"
family="${family_rev%:*}"

# ---------------------------------------------------------------- diagnostics
diagnose() {
  echo "ecs-deploy: ---- recent service events ----" >&2
  aws ecs describe-services --cluster="$cluster" --services="$service" --output text \
    --query 'services[0].events[:15].[createdAt, message]' >&2 || true
  local stopped
  stopped="$(aws ecs list-tasks --cluster="$cluster" --service-name="$service" --desired-status STOPPED --query 'taskArns[:10]' --output text 2>/dev/null || true)"
  describe_stopped "$stopped"
  echo "ecs-deploy: console: https://${region}.console.aws.amazon.com/ecs/v2/clusters/${cluster}/services/${service}/deployments?region=${region}" >&2
}

# Prints why tasks stopped and every container's exit code.
describe_stopped() {
  local arns
  read -r -a arns <<< "$(printf '%s' "$1" | tr '\t' ' ')"
  if [ "${#arns[@]}" -eq 0 ] || [ "${arns[0]}" = "None" ]; then
    echo "ecs-deploy: ---- no stopped tasks recorded ----" >&2
    return 0
  fi
  echo "ecs-deploy: ---- stopped tasks ----" >&2
  aws ecs describe-tasks --cluster="$cluster" --tasks="$(json_array "${arns[@]}")" --output text --query \
    "join(\`\"\\n\"\`, tasks[].join(\`\"\\n\"\`, [join('', ['task ', taskArn, ' (', taskDefinitionArn || '?', '): ', stopCode || 'no stop code', ': ', stoppedReason || 'no reason given']), containers[].join('', ['  container ', name, ': exit code ', to_string(exitCode), ', ', reason || 'no reason'])][]))" >&2 || true
}

# ---------------------------------------------------------------- migration
if [ -n "$migration_command" ]; then
  mcontainer="$(trim "${ECS_MIGRATION_CONTAINER:-}")"
  if [ -z "$mcontainer" ]; then
    mnames="$(aws ecs describe-task-definition --task-definition="$td_arn" --query 'taskDefinition.containerDefinitions[].name' --output text)"
    read -r -a mlist <<< "$(printf '%s' "$mnames" | tr '\t' ' ')"
    [ "${#mlist[@]}" -eq 1 ] || bad_input migration-container "is empty and the task definition has ${#mlist[@]} containers (${mlist[*]})" "name the container whose command runs the migration"
    mcontainer="${mlist[0]}"
  fi
  overrides="{\"containerOverrides\":[{\"name\":$(json_str "$mcontainer"),\"command\":$migration_command}]}"
  run_args=(--cluster="$cluster" --task-definition="$td_arn" --started-by="gitlab-${CI_JOB_ID:-ecs-deploy}" --overrides="$overrides")
  mnet="$(trim "${ECS_MIGRATION_NETWORK_CONFIGURATION:-}")"
  [ -z "$mnet" ] && [ "$svc_network" != "null" ] && mnet="$svc_network"
  safe_arg migration-network-configuration "$mnet"
  [ -n "$mnet" ] && run_args+=(--network-configuration="$mnet")
  if [ "$svc_capacity" != "null" ] && [ "$svc_capacity" != "[]" ]; then
    run_args+=(--capacity-provider-strategy="$svc_capacity")
  elif [ "$launch_type" != "-" ]; then
    run_args+=(--launch-type="$launch_type")
  fi
  say "migration: running $migration_command in container $mcontainer of $family_rev"
  run_out="$(aws_call ecs run-task "${run_args[@]}" --output text --query '[tasks[0].taskArn || `"-"`, failures[0].reason || `""`]')" ||
    aws_failed "migration: run-task" "${registered_note}the service was not updated; it still runs $previous_td." "check 'migration-command' (JSON array or a command line) and 'migration-network-configuration'"
  IFS=$'\t' read -r mtask mreason <<< "$run_out"
  [ "$mtask" != "-" ] || fail "migration: ECS started no task: ${mreason:-no reason given}. The service was not updated."
  output ECS_MIGRATION_TASK_ARN "$mtask"
  say "migration: task $mtask started; waiting up to ${migration_timeout}s for it to stop"
  deadline=$(( SECONDS + migration_timeout ))
  while :; do
    mstate="$(aws ecs describe-tasks --cluster="$cluster" --tasks="$mtask" --output text \
      --query="tasks[0].[lastStatus, to_string(containers[?name==$(jlit "$mcontainer")] | [0].exitCode)]")"
    IFS=$'\t' read -r mstatus mexit <<< "$mstate"
    [ "$mstatus" = "STOPPED" ] && break
    if [ "$SECONDS" -ge "$deadline" ]; then
      describe_stopped "$mtask"
      fail "migration: task $mtask did not stop within ${migration_timeout}s (last status $mstatus). The service was not updated; raise 'migration-timeout' or check the task."
    fi
    say "migration: $mstatus"
    sleep "$poll_interval"
  done
  if [ "$mexit" != "0" ]; then
    echo "ecs-deploy: migration failed:" >&2
    describe_stopped "$mtask"
    fail "migration: container $mcontainer exited with code $mexit. The service was NOT updated; it still runs $previous_td."
  fi
  say "migration: container $mcontainer exited 0"
  migration_note="the migration task $mtask ran and exited 0 (its changes stay); "
fi

# ---------------------------------------------------------------- progressive delivery
# Blue/green, canary, linear or CodeDeploy: progressive.sh finishes the job; rolling carries on.
ecs_progressive_deploy

# ---------------------------------------------------------------- service update
update_args=(--cluster="$cluster" --service="$service" --task-definition="$td_arn")
if [ -n "$desired" ]; then
  update_args+=(--desired-count="$desired")
elif [ "$current_desired" = "0" ]; then
  say "the service is stopped (desired count 0): bringing it back with desired count 1"
  update_args+=(--desired-count 1)
fi
is_true "$force_new_deployment" && update_args+=(--force-new-deployment)
if is_true "$enable_circuit_breaker"; then
  dc="deploymentCircuitBreaker={enable=true,rollback=true}"
  # Unset limits would be reset to their defaults, so the current ones are passed along.
  [ "$max_percent" != "null" ] && dc+=",maximumPercent=$max_percent"
  [ "$min_healthy" != "null" ] && dc+=",minimumHealthyPercent=$min_healthy"
  update_args+=(--deployment-configuration="$dc")
fi
deployment_id="$(aws_call ecs update-service "${update_args[@]}" --output text --query 'service.deployments[?status==`PRIMARY`] | [0].id')" ||
  aws_failed "updating service '$service' in cluster '$cluster' to $family_rev" \
    "${registered_note}${migration_note}the service was not updated; it still runs $previous_td." \
    "fix the cause and re-run the job; to deploy exactly this revision without registering another, set 'task-definition: $family_rev'"
output ECS_DEPLOYMENT_ID "$deployment_id"
say "service $service updated to $family_rev: deployment $deployment_id"
say "console: https://${region}.console.aws.amazon.com/ecs/v2/clusters/${cluster}/services/${service}/deployments?region=${region}"

rollback() {
  if is_true "$rollback_on_failure" && [ -n "$previous_td" ] && [ "$previous_td" != "-" ]; then
    echo "ecs-deploy: rolling back: pointing $service at $previous_td again" >&2
    if back="$(aws ecs update-service --cluster="$cluster" --service="$service" --task-definition="$previous_td" --query 'service.deployments[?status==`PRIMARY`] | [0].id' --output text)"; then
      echo "ecs-deploy: rollback deployment $back started (not waited for)" >&2
      output ECS_ROLLBACK_DEPLOYMENT_ID "$back"
    else
      echo "ecs-deploy: the rollback update failed; point the service at $previous_td by hand" >&2
    fi
  fi
}

# ---------------------------------------------------------------- wait for the rollout
rollout_state=NOT_WAITED
if is_true "$wait_rollout"; then
  say "waiting up to ${wait_timeout}s for deployment $deployment_id to reach rolloutState COMPLETED"
  deadline=$(( SECONDS + wait_timeout ))
  poll_query="services[0] | {d: deployments[?id==$(jlit "$deployment_id")] | [0], p: deployments[?status==\`\"PRIMARY\"\`] | [0].id, n: length(deployments)} | [d.rolloutState || \`\"NONE\"\`, to_string(d.runningCount), to_string(d.desiredCount), to_string(d.failedTasks), p || \`\"-\"\`, to_string(n), d.rolloutStateReason || \`\"-\"\`]"
  last_line=""
  while :; do
    state_out="$(aws ecs describe-services --cluster="$cluster" --services="$service" --output text --query="$poll_query")"
    IFS=$'\t' read -r rollout_state running want failed primary count reason <<< "$state_out"
    outcome=""
    case "$rollout_state" in
      COMPLETED) outcome=ok ;;
      FAILED) outcome="the rollout FAILED: $reason" ;;
      NONE)
        if [ "$primary" != "$deployment_id" ]; then
          outcome="deployment $deployment_id is gone; the service's primary deployment is now $primary (a circuit-breaker rollback or another deploy replaced it)"
          rollout_state=REPLACED
        elif [ "$count" = "1" ] && [ "$running" = "$want" ]; then
          # Services without rollout states (external controllers) report stability only.
          outcome=ok
          rollout_state=STABLE
        fi
        ;;
    esac
    if [ "$outcome" = ok ]; then
      say "deployment $deployment_id: $rollout_state ($running/$want tasks running)"
      break
    fi
    if [ -n "$outcome" ]; then
      tasks_text=""
      [ "$running" != "null" ] && tasks_text=" ($running/$want running, $failed failed tasks)"
      echo "ecs-deploy: error: deployment $deployment_id of $family_rev: $outcome$tasks_text" >&2
      diagnose
      rollback
      output ECS_ROLLOUT_STATE "$rollout_state"
      fail "the deployment did not complete; see the service events and stopped tasks above."
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "ecs-deploy: error: timed out after ${wait_timeout}s waiting for deployment $deployment_id (rolloutState $rollout_state, $running/$want running, $failed failed tasks)" >&2
      diagnose
      rollback
      output ECS_ROLLOUT_STATE TIMED_OUT
      fail "the deployment did not complete within 'wait-timeout' (${wait_timeout}s); raise it or see the events above."
    fi
    line="$rollout_state: $running/$want running, $failed failed"
    [ "$line" != "$last_line" ] && say "deployment $deployment_id $line"
    last_line="$line"
    sleep "$poll_interval"
  done
else
  say "not waiting for the rollout (input 'wait' is false or CI_AWS_ECS_WAIT_FOR_ROLLOUT_COMPLETE_DISABLED is set)"
fi
output ECS_ROLLOUT_STATE "$rollout_state"

# ---------------------------------------------------------------- housekeeping
if [ "$keep_revisions" -gt 0 ]; then
  # --family-prefix also matches longer families (web -> web-worker): keep only exact ones.
  listed="$(aws ecs list-task-definitions --family-prefix="$family" --status ACTIVE --sort DESC --output text \
    --query="taskDefinitionArns[?contains(@, $(jlit ":task-definition/$family:"))]")"
  # Newest first by revision number, whatever order the API returned (moto ignores --sort).
  mapfile -t revisions < <(printf '%s' "$listed" | tr '\t' '\n' | sort -t: -k7,7nr)
  kept=1
  removed=0
  for arn in "${revisions[@]}"; do
    [ -z "$arn" ] || [ "$arn" = "None" ] && continue
    [ "$arn" = "$td_arn" ] && continue
    if [ "$kept" -lt "$keep_revisions" ]; then
      kept=$((kept + 1))
      continue
    fi
    aws ecs deregister-task-definition --task-definition="$arn" --query 'taskDefinition.revision' --output text > /dev/null
    removed=$((removed + 1))
  done
  say "housekeeping: deregistered $removed old revision(s) of $family, kept $kept"
fi

[ -n "${ECS_ENVIRONMENT_URL:-}" ] && output ECS_ENVIRONMENT_URL "$ECS_ENVIRONMENT_URL"
say "deployed $family_rev to $service in $cluster"
