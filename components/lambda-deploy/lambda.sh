#!/usr/bin/env bash
# shellcheck shell=bash
# shellcheck disable=SC2016 # backticks in single quotes are JMESPath literals, not shell
# Progressive delivery of a Lambda function through a version and an alias. One script, three
# jobs (LAMBDA_ACTION): `deploy` updates code and configuration, publishes a version when
# something changed, smoke-invokes it, then moves the alias all at once, as a canary or in
# linear steps while watching CloudWatch alarms (rolling the alias back on an alarm);
# `promote` finishes a paused canary now; `rollback` points the alias at the previous version.
# The gate jobs read the versions from the deploy job's dotenv report.
#
# The alias is only ever changed from a state this job saw or set itself: before every change
# the alias is read back and compared, and every UpdateAlias carries the alias's RevisionId so
# that AWS refuses it if another deploy got in between.
set -euo pipefail
export AWS_PAGER=""

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=lambda-deploy

# A JMESPath literal holding the JSON text $1 (backticks end a literal).
jlit_json() { printf '`%s`' "${1//\`/\\\`}"; }
job_dir="$CATALOG_JOB_DIR"

# The dotenv report. Each name is written once, when its value is final (the state at the end).
output() { dotenv_set "$env_file" "$1" "$2"; }

# ---------------------------------------------------------------- inputs
action="${LAMBDA_ACTION:-deploy}"
case "$action" in deploy | promote | rollback) ;; *) fail "LAMBDA_ACTION '$action' is not deploy, promote or rollback" ;; esac
# The deploy job's report feeds the gate jobs; theirs are their own.
env_file="lambda-${action}.env"
: > "$env_file"

fn="$(trim "${LAMBDA_FUNCTION_NAME:-}")"
[ -n "$fn" ] || bad_input function-name "is empty" "set 'function-name' to the function's name or ARN"
[[ "$fn" =~ ^[A-Za-z0-9_-]{1,64}$ ]] ||
  bad_input function-name "'$fn' is not a Lambda function name" "use the function's name, e.g. 'orders-api' (not an ARN, no version or alias suffix)"
alias_name="$(trim "${LAMBDA_ALIAS:-}")"
if ! [[ "$alias_name" =~ ^[A-Za-z0-9_-]{1,128}$ ]] || [[ "$alias_name" =~ ^[0-9]+$ ]]; then
  bad_input alias "'$alias_name' is not an alias name" "use letters, digits, '-' and '_', not only digits (e.g. 'live')"
fi
poll="$(uint poll-interval "${LAMBDA_POLL_INTERVAL:-5}" 1 3600)"
alarm_poll="$(uint alarm-poll-interval "${LAMBDA_ALARM_POLL_INTERVAL:-15}" 1 3600)"
bake_time="$(uint bake-time "${LAMBDA_BAKE_TIME:-0}" 0 86400)"

alarms=()
while IFS= read -r item; do
  safe_arg alarms "$item"
  [ "${#item}" -le 255 ] || bad_input alarms "'${item:0:40}...' is longer than 255 characters" "give CloudWatch alarm names"
  alarms+=("$item")
done < <(split_list "${LAMBDA_ALARMS:-}")
[ "${#alarms[@]}" -le 100 ] || bad_input alarms "names ${#alarms[@]} alarms" "name at most 100 (a composite alarm can combine more)"

region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"

# ---------------------------------------------------------------- alias and alarms
# Reads the alias into alias_version, alias_routing (JSON object text) and alias_rev; returns 1
# when the alias does not exist.
read_alias() {
  local out
  if ! out="$(aws_call lambda get-alias --function-name="$fn" --name="$alias_name" --output text \
    --query '[FunctionVersion, to_string(RoutingConfig.AdditionalVersionWeights || `{}`), RevisionId || `"-"`]')"; then
    [[ "$(aws_error)" == *ResourceNotFoundException* ]] && return 1
    aws_failed "reading alias '$alias_name' of '$fn'" "" "check 'function-name', 'alias', the region ($region) and the role's lambda:GetAlias permission"
  fi
  IFS=$'\t' read -r alias_version alias_routing alias_rev <<< "$out"
  return 0
}

# The alias's AdditionalVersionWeights as the API prints them: {"7":0.1}.
routing_json() {
  local version="$1" percent="$2" w
  if [ "$percent" -ge 100 ] || [ "$percent" -le 0 ]; then printf '{}'; return 0; fi
  printf -v w '0.%02d' "$percent"
  w="${w%0}"
  printf '{"%s":%s}' "$version" "$w"
}

# set_alias VERSION PERCENT_TO_NEW CHANGED_SO_FAR: points the alias at VERSION (PERCENT < 100:
# stays on $previous and sends PERCENT to $new), guarded by what this job last saw.
expect_version="" expect_routing=""
shifting=false # true while this deploy job moves the alias (see shift_interrupted)
guard_alias() {
  read_alias || fail "alias '$alias_name' of '$fn' was deleted while this job ran; nothing more is changed. $1"
  if [ "$alias_version" != "$expect_version" ] || [ "$alias_routing" != "$expect_routing" ]; then
    output LAMBDA_DEPLOY_STATE CONFLICT
    shifting=false # someone else's alias now: the exit handler leaves it alone
    fail "alias '$alias_name' of '$fn' was changed by someone else while this job ran: this job left it on version $expect_version with routing $expect_routing, it is now on version $alias_version with routing $alias_routing. This job does not touch it again (another deploy or a person owns it now). $1"
  fi
}
update_alias() {
  local version="$1" routing="$2" what="$3" changed="$4" out args
  args=(--function-name="$fn" --name="$alias_name" --function-version="$version" --routing-config="{\"AdditionalVersionWeights\":$routing}")
  [ "$alias_rev" != "-" ] && [ "$alias_rev" != "None" ] && args+=(--revision-id="$alias_rev")
  if ! out="$(aws_call lambda update-alias "${args[@]}" --output text --query 'RevisionId || `"-"`')"; then
    if [[ "$(aws_error)" == *PreconditionFailedException* ]]; then
      output LAMBDA_DEPLOY_STATE CONFLICT
      shifting=false
      fail "alias '$alias_name' changed between this job's last read and its update ($what): AWS refused the update because the alias's revision id moved (PreconditionFailedException). Another deploy or a person changed it; this job does not touch it again. ${changed:+Already changed: $changed.}"
    fi
    aws_failed "$what" "$changed" "check the alias by hand (aws lambda get-alias --function-name=$fn --name=$alias_name)"
  fi
  alias_rev="$out"
  expect_version="$version"
  expect_routing="$routing"
}

# Prints "name<TAB>state<TAB>reason" per named alarm; fails when one does not exist.
alarm_states() {
  local out names=() line
  if ! out="$(aws_call cloudwatch describe-alarms --alarm-names="$(json_array "${alarms[@]}")" --output text \
    --query '[MetricAlarms[].[AlarmName, StateValue, StateReason], CompositeAlarms[].[AlarmName, StateValue, StateReason]][][]')"; then
    aws_failed "reading the alarms" "${1:-}" "check 'alarms' and the role's cloudwatch:DescribeAlarms permission"
  fi
  while IFS=$'\t' read -r line _; do [ -n "$line" ] && names+=("$line"); done <<< "$out"
  for line in "${alarms[@]}"; do
    case " ${names[*]} " in *" $line "*) ;; *)
      bad_input alarms "there is no CloudWatch alarm named '$line' in $region" "fix the name (a mistyped alarm would never stop a bad release)" ;;
    esac
  done
  printf '%s\n' "$out"
}

# Prints the alarms in ALARM as "name (reason)"; empty when all are OK.
firing_alarms() {
  local states name state reason
  [ "${#alarms[@]}" -gt 0 ] || return 0
  states="$(alarm_states "${1:-}")" || exit 1
  while IFS=$'\t' read -r name state reason; do
    [ "$state" = ALARM ] && printf '%s (%s)\n' "$name" "${reason:-no reason given}"
  done <<< "$states"
  return 0
}

# watch_alarms SECONDS: polls the alarms until SECONDS have passed; prints the firing ones and
# returns 3 as soon as one fires (any other failure: the alarms could not be read).
watch_alarms() {
  local seconds="$1" deadline firing
  deadline=$((SECONDS + seconds))
  while :; do
    firing="$(firing_alarms "the alias")" || exit 1
    if [ -n "$firing" ]; then
      printf '%s\n' "$firing"
      return 3
    fi
    [ "$SECONDS" -ge "$deadline" ] && return 0
    local left=$((deadline - SECONDS))
    sleep "$((left < alarm_poll ? left : alarm_poll))"
  done
}

# ---------------------------------------------------------------- promote / rollback
if [ "$action" != deploy ]; then
  previous="$(trim "${LAMBDA_PREVIOUS_VERSION:-}")"
  new="$(trim "${LAMBDA_NEW_VERSION:-}")"
  [[ "$new" =~ ^[0-9]+$ ]] || fail "this job needs LAMBDA_NEW_VERSION from the deploy job's dotenv report, and it is '${new}'. Run it after the deploy job, with 'needs: [{job: <deploy job>, artifacts: true}]' (the component sets this up)."
  [[ "$previous" =~ ^([0-9]+)?$ ]] || fail "LAMBDA_PREVIOUS_VERSION '$previous' from the deploy job's dotenv report is not a version number"
  # Jobs that need only this gate (e.g. a release note after the promotion) get the versions too.
  output LAMBDA_FUNCTION "$fn"
  output LAMBDA_ALIAS_NAME "$alias_name"
  output LAMBDA_PREVIOUS_VERSION "$previous"
  output LAMBDA_NEW_VERSION "$new"
  read_alias || fail "alias '$alias_name' of '$fn' does not exist (deleted since the deploy job?); nothing was changed"
  state="the alias sends all traffic to version $alias_version"
  [ "$alias_routing" != "{}" ] && state="the alias stays on version $alias_version and routes $alias_routing"
  if [ "$action" = promote ]; then
    if [ "$alias_version" = "$new" ] && [ "$alias_routing" = "{}" ]; then
      say "nothing to promote: $state already (version $new)"
      output LAMBDA_DEPLOY_STATE COMPLETED
      exit 0
    fi
    { [ "$alias_version" = "$previous" ] && [[ "$alias_routing" == "{\"$new\":"* ]]; } ||
      fail "alias '$alias_name' is not as the deploy job left it (version $previous with a share of traffic on $new): $state. Someone changed it since; this job does not touch it. Nothing was changed."
    firing="$(firing_alarms "")"
    [ -z "$firing" ] || fail "not promoting: alarm(s) in ALARM: ${firing//$'\n'/; }. Run the rollback job, or promote once the alarms are OK. Nothing was changed."
    expect_version="$alias_version" expect_routing="$alias_routing"
    say "promoting: alias $alias_name moves all traffic to version $new now (was: $state)"
    update_alias "$new" "{}" "promoting alias '$alias_name' to version $new" ""
    guard_alias "The promote itself was applied."
    # The promotion is the last shift: the bake time applies to it as it does in the deploy job.
    if [ "$bake_time" -gt 0 ] && [ "${#alarms[@]}" -gt 0 ]; then
      say "baking: watching alarms for ${bake_time}s with all traffic on version $new"
      rc=0
      firing="$(watch_alarms "$bake_time")" || rc=$?
      if [ "$rc" -ne 0 ]; then
        [ "$rc" -eq 3 ] && printf '%s\n' "$firing" | sed "s/^/${catalog_component}:   ALARM after the promotion: /" >&2
        guard_alias "The alarm fired after the promotion, but the alias is not this job's to roll back any more: check it now."
        update_alias "$previous" "{}" "rolling alias '$alias_name' back to version $previous" "alias $alias_name was promoted to version $new"
        output LAMBDA_DEPLOY_STATE ROLLED_BACK
        fail "rolled back after the promotion: alias $alias_name sends all traffic to version $previous again (the alarms fired, or could not be read, while version $new baked). Version $new stays published."
      fi
    fi
    output LAMBDA_DEPLOY_STATE COMPLETED
    say "promoted: alias $alias_name of $fn sends all traffic to version $new"
    exit 0
  fi
  # rollback
  [ -n "$previous" ] || fail "there is no previous version to roll back to: the deploy job created alias '$alias_name' on version $new. Point it elsewhere by hand, or delete it. Nothing was changed."
  if [ "$alias_version" = "$previous" ] && [ "$alias_routing" = "{}" ]; then
    output LAMBDA_DEPLOY_STATE ROLLED_BACK
    fail "nothing to roll back: alias '$alias_name' already sends all traffic to the previous version $previous. The job fails because the release of version $new is not live."
  fi
  if ! { [ "$alias_version" = "$new" ] && [ "$alias_routing" = "{}" ]; } && ! { [ "$alias_version" = "$previous" ] && [[ "$alias_routing" == "{\"$new\":"* ]]; }; then
    fail "alias '$alias_name' is not as the deploy job left it (versions $previous and $new): $state. Someone changed it since; this job does not touch it. Nothing was changed."
  fi
  expect_version="$alias_version" expect_routing="$alias_routing"
  say "rolling back: alias $alias_name moves all traffic to version $previous (was: $state)"
  update_alias "$previous" "{}" "rolling alias '$alias_name' back to version $previous" ""
  output LAMBDA_DEPLOY_STATE ROLLED_BACK
  fail "rolled back: alias '$alias_name' of '$fn' sends all traffic to version $previous again (version $new stays published). The job fails on purpose so the pipeline does not read as a successful release."
fi

# ---------------------------------------------------------------- deploy: inputs
code="$(trim "${LAMBDA_CODE:-}")"
image_ref="$(trim "${LAMBDA_IMAGE_REF:-}")"
[ -z "$code" ] || [ -z "$image_ref" ] || bad_input image-ref "is set together with 'code'" "set only one: 'code' for a zip function, 'image-ref' for a container image function"
if [ -n "$code" ]; then
  safe_arg code "$code"
  [ -e "$code" ] || bad_input code "'$code' does not exist in the job's working directory" "give a directory or a .zip file relative to the project root (an artifact of an earlier job needs 'needs:' or 'dependencies:')"
  [ -d "$code" ] || [[ "$code" == *.zip && -f "$code" ]] || bad_input code "'$code' is neither a directory nor a .zip file" "give the directory to zip, or the zip an earlier job built"
fi
if [ -n "$image_ref" ]; then
  safe_arg image-ref "$image_ref"
  [[ "$image_ref" =~ ^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$ ]] ||
    bad_input image-ref "'$image_ref' is not an Amazon ECR image reference" "use '<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<digest>' (image-build's IMAGE_REF) or ':<tag>'"
fi

declare -A env_new=()
env_order=()
while IFS= read -r line; do
  line="$(trim "$line")"
  [ -z "$line" ] && continue
  [[ "$line" =~ ^([A-Za-z][A-Za-z0-9_]*)=(.*)$ ]] || bad_input function-environment "'${line%%=*}=...' is not NAME=value" "write one 'LOG_LEVEL=debug' per line (names start with a letter)"
  [ -z "${env_new[${BASH_REMATCH[1]}]+x}" ] && env_order+=("${BASH_REMATCH[1]}")
  env_new["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
done <<< "${LAMBDA_FUNCTION_ENVIRONMENT:-}"

memory="$(trim "${LAMBDA_MEMORY_SIZE:-}")"
[ -z "$memory" ] || memory="$(uint memory-size "$memory" 128 10240)"
timeout="$(trim "${LAMBDA_TIMEOUT:-}")"
[ -z "$timeout" ] || timeout="$(uint timeout "$timeout" 1 900)"
handler="$(trim "${LAMBDA_HANDLER:-}")"
[ -z "$handler" ] || [[ "$handler" =~ ^[^[:space:]]{1,128}$ ]] || bad_input handler "'$handler' is not a handler" "use e.g. 'app.handler'"
[ -z "$handler" ] || safe_arg handler "$handler"
runtime="$(trim "${LAMBDA_RUNTIME:-}")"
[ -z "$runtime" ] || [[ "$runtime" =~ ^[a-z0-9.]{1,32}$ ]] || bad_input runtime "'$runtime' is not a runtime identifier" "use e.g. 'python3.12' or 'nodejs22.x'"

strategy="$(trim "${LAMBDA_STRATEGY:-all-at-once}")"
case "$strategy" in all-at-once | canary | linear) ;; *) bad_input strategy "'$strategy' is not all-at-once, canary or linear" "pick one of those" ;; esac
canary_percent="$(uint canary-percent "${LAMBDA_CANARY_PERCENT:-10}" 1 99)"
linear_percent="$(uint linear-percent "${LAMBDA_LINEAR_PERCENT:-10}" 1 99)"
step_interval="$(uint step-interval "${LAMBDA_STEP_INTERVAL:-300}" 0 86400)"
gate="$(trim "${LAMBDA_PROMOTION:-auto}")"
case "$gate" in auto | manual) ;; *) bad_input promotion "'$gate' is not auto or manual" "pick one of those" ;; esac
smoke="$(bool smoke-invoke "${LAMBDA_SMOKE_INVOKE:-true}")"
smoke_expect="${LAMBDA_SMOKE_EXPECT:-}"
keep="$(uint keep-versions "${LAMBDA_KEEP_VERSIONS:-0}" 0 10000)"
update_timeout="$(uint update-timeout "${LAMBDA_UPDATE_TIMEOUT:-600}" 1 86400)"

cd_app="$(trim "${LAMBDA_CODEDEPLOY_APPLICATION:-}")"
cd_group="$(trim "${LAMBDA_CODEDEPLOY_DEPLOYMENT_GROUP:-}")"
cd_config="$(trim "${LAMBDA_CODEDEPLOY_DEPLOYMENT_CONFIG:-}")"
cd_timeout="$(uint codedeploy-timeout "${LAMBDA_CODEDEPLOY_TIMEOUT:-3600}" 1 86400)"
cd_hooks=()
for pair in "before-allow-traffic-hook:BeforeAllowTraffic:${LAMBDA_BEFORE_ALLOW_TRAFFIC_HOOK:-}" "after-allow-traffic-hook:AfterAllowTraffic:${LAMBDA_AFTER_ALLOW_TRAFFIC_HOOK:-}"; do
  name="${pair%%:*}" rest="${pair#*:}"
  value="$(trim "${rest#*:}")"
  [ -z "$value" ] && continue
  [[ "$value" =~ ^[A-Za-z0-9_:-]{1,140}$ ]] || bad_input "$name" "'$value' is not a Lambda function name" "give the hook function's name"
  cd_hooks+=("{$(json_str "${rest%%:*}"):$(json_str "$value")}")
done
if [ -n "$cd_app$cd_group" ]; then
  { [ -n "$cd_app" ] && [ -n "$cd_group" ]; } || bad_input codedeploy-deployment-group "needs 'codedeploy-application' and 'codedeploy-deployment-group' together" "set both, or neither to move the alias without CodeDeploy"
  for pair in "codedeploy-application:$cd_app" "codedeploy-deployment-group:$cd_group" "codedeploy-deployment-config:$cd_config"; do
    [[ "${pair#*:}" =~ ^[A-Za-z0-9_.+-]{0,100}$ ]] || bad_input "${pair%%:*}" "'${pair#*:}' is not a CodeDeploy name" "use letters, digits and . _ + -"
    [ -z "${pair#*:}" ] || safe_arg "${pair%%:*}" "${pair#*:}"
  done
  [ "$gate" = auto ] || bad_input promotion "'manual' does not apply with CodeDeploy, which shifts the traffic itself" "use 'auto' with CodeDeploy, or drop the CodeDeploy inputs"
  [ "$strategy" = all-at-once ] || bad_input strategy "'$strategy' does not apply with CodeDeploy: the deployment group's configuration (or 'codedeploy-deployment-config') decides" "leave 'strategy' at all-at-once and pick e.g. CodeDeployDefault.LambdaCanary10Percent5Minutes"
elif [ "${#cd_hooks[@]}" -gt 0 ]; then
  bad_input before-allow-traffic-hook "hooks run only under CodeDeploy" "set 'codedeploy-application' and 'codedeploy-deployment-group', or use 'smoke-invoke'"
fi

# The job moves the traffic itself, so GitLab's job timeout must not end it while the alias is
# split: nobody would watch the alarms or finish the shift. CI_JOB_TIMEOUT (seconds) is the job's
# timeout as GitLab computed it; refuse before anything changes when the plan cannot fit in it.
job_timeout="$(trim "${CI_JOB_TIMEOUT:-}")"
if [ -z "$cd_app" ] && [[ "$job_timeout" =~ ^[0-9]{1,9}$ ]]; then
  shifts=0
  case "$strategy" in
    canary) shifts=1 ;;
    linear) shifts=$((99 / linear_percent)) ;;
  esac
  [ "$gate" = manual ] && [ "$shifts" -gt 1 ] && shifts=1
  planned=$((shifts * step_interval))
  [ "$gate" = manual ] || planned=$((planned + bake_time))
  # What the rest of the job needs besides the watching: the code update, the version, the smoke test.
  margin=300
  if [ $((SECONDS + planned + margin)) -gt "$job_timeout" ]; then
    what="$strategy: ${shifts} step(s) of ${step_interval}s"
    [ "$gate" = manual ] || what+=" and ${bake_time}s of bake time"
    bad_input step-interval "the traffic shift ($what) lasts ${planned}s, and with ${margin}s for the rest of the job it does not fit in the job's timeout of ${job_timeout}s: GitLab would stop the job while the alias is split, with nobody watching the alarms. Nothing was changed" "raise the job's timeout (e.g. '${CI_JOB_NAME:-deploy-lambda}: { timeout: $(((planned + margin) / 60 + 1))m }' in your .gitlab-ci.yml; the runner's maximum applies), or shorten 'step-interval' or 'bake-time', or use 'promotion: manual'"
  fi
fi

output LAMBDA_FUNCTION "$fn"
output LAMBDA_ALIAS_NAME "$alias_name"

# ---------------------------------------------------------------- the function and alias as they are
if read_alias; then
  previous="$alias_version"
  if [ "$alias_routing" != "{}" ]; then
    fail "alias '$alias_name' of '$fn' splits traffic (version $alias_version plus $alias_routing): another deploy's canary is in progress. Finish it first with its promote or rollback job (or by hand: aws lambda update-alias --function-name=$fn --name=$alias_name --function-version=N --routing-config='{\"AdditionalVersionWeights\":{}}'). Nothing was changed."
  fi
  say "alias $alias_name of $fn sends all traffic to version $previous"
else
  previous=""
  alias_rev="-"
  say "alias $alias_name of $fn does not exist yet: it will be created on the new version (no canary without a previous version)"
fi
output LAMBDA_PREVIOUS_VERSION "$previous"

cfg_fields='[PackageType || `"Zip"`, CodeSha256, RevisionId || `"-"`, to_string(MemorySize), to_string(Timeout), Handler || `"-"`, Runtime || `"-"`]'
# Waits until the function's last update finished; fails with Lambda's reason if it failed.
wait_function() {
  local deadline out status reason state
  deadline=$((SECONDS + update_timeout))
  while :; do
    out="$(aws_call lambda get-function-configuration --function-name="$fn" --output text \
      --query '[LastUpdateStatus || `"Successful"`, LastUpdateStatusReason || `"-"`, State || `"Active"`]')" ||
      aws_failed "reading the function's update status" "$1" "re-run the job"
    IFS=$'\t' read -r status reason state <<< "$out"
    case "$status" in
      Successful) [ "$state" != Failed ] || fail "function '$fn' is in state Failed ($reason). $1"; return 0 ;;
      Failed) fail "Lambda could not apply the update to '$fn': $reason. Already changed: $1. The alias was not touched." ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || fail "the update of '$fn' was still $status after ${update_timeout}s ('update-timeout'). Already changed: $1. The alias was not touched."
    say "function update $status; waiting"
    sleep "$poll"
  done
}

new_env_json="{"
for name in "${env_order[@]}"; do new_env_json+="$(json_str "$name"):$(json_str "${env_new[$name]}"),"; done
new_env_json="${new_env_json%,}}"
# The environment is merged in the query itself: the current variables with the new ones over them.
read_function() {
  cfg="$(aws_call lambda get-function-configuration --function-name="$fn" --output text \
    --query "[$cfg_fields, [LastUpdateStatus || \`\"Successful\"\`, to_string(merge(Environment.Variables || \`{}\`, $(jlit_json "$new_env_json")) == (Environment.Variables || \`{}\`)), to_string(merge(Environment.Variables || \`{}\`, $(jlit_json "$new_env_json")))]][]")" ||
    aws_failed "reading function '$fn'" "" "check 'function-name' (the function must exist: create it with your infrastructure code), the region ($region) and the role's lambda:GetFunctionConfiguration permission"
  IFS=$'\t' read -r package_type code_sha fn_rev cur_memory cur_timeout cur_handler cur_runtime last_status env_same merged_env <<< "$cfg"
}
read_function
# An update still being applied (another deploy, a console edit) is waited for first; a failed
# earlier update is what this deploy replaces.
if [ "$last_status" = InProgress ]; then
  wait_function "nothing"
  read_function
elif [ "$last_status" = Failed ]; then
  say "note: the function's last update had failed; this deploy replaces it"
fi
old_sha="$code_sha"

# ---------------------------------------------------------------- code
changed=""
if [ -n "$code" ]; then
  [ "$package_type" = Zip ] || bad_input code "function '$fn' is a container image function" "pass the image with 'image-ref' instead"
  if [ -d "$code" ]; then
    zip="$job_dir/code.zip"
    zipped_count="$(zip_directory "$code" "$zip" "$job_dir")"
    say "zipped $zipped_count file(s) from $code (reproducible: sorted, fixed timestamps and modes)"
  else
    zip="$code"
  fi
  zip_bytes="$(stat -L -c %s -- "$zip")"
  [ "$zip_bytes" -le 52428800 ] || fail "the zip is $zip_bytes bytes; Lambda takes at most 50 MB uploaded directly. Move dependencies to a layer, or trim the package."
  hex="$(sha256sum -- "$zip" | cut -c1-64)"
  # shellcheck disable=SC2046 # hex digits only: split into pairs on purpose
  printf -v esc '\\x%s' $(printf '%s' "$hex" | fold -w2)
  # shellcheck disable=SC2059 # the format holds only \x escapes of hex digits
  local_sha="$(printf "$esc" | base64)"
  output LAMBDA_CODE_SHA256 "$local_sha"
  if [ "$local_sha" = "$code_sha" ]; then
    say "code unchanged (CodeSha256 $code_sha)"
  else
    say "uploading code: CodeSha256 $code_sha -> $local_sha"
    upd_args=(--function-name="$fn" --zip-file="fileb://$zip")
    [ "$fn_rev" != "-" ] && [ "$fn_rev" != "None" ] && upd_args+=(--revision-id="$fn_rev")
    aws_call lambda update-function-code "${upd_args[@]}" --query 'CodeSha256' --output text > /dev/null ||
      aws_failed "uploading the code of '$fn'" "" "check the message above; the alias was not touched"
    changed="code"
    wait_function "the code of \$LATEST (not published, the alias was not touched)"
  fi
elif [ -n "$image_ref" ]; then
  [ "$package_type" = Image ] || bad_input image-ref "function '$fn' is a zip function" "pass the code with 'code' instead"
  current_image="$(aws_call lambda get-function --function-name="$fn" --query 'Code.ImageUri' --output text)" ||
    aws_failed "reading the image of '$fn'" "" "check the role's lambda:GetFunction permission"
  if [ "$current_image" = "$image_ref" ] && [[ "$image_ref" == *@sha256:* ]]; then
    say "image unchanged ($image_ref)"
  else
    # A tag may have moved: Lambda resolves it again, and the CodeSha256 tells whether it did.
    say "updating the image: $current_image -> $image_ref"
    aws_call lambda update-function-code --function-name="$fn" --image-uri="$image_ref" --query 'CodeSha256' --output text > /dev/null ||
      aws_failed "updating the image of '$fn'" "" "check that the image exists in ECR and the role may read it (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)"
    wait_function "the image of \$LATEST (not published, the alias was not touched)"
    code_sha="$(aws_call lambda get-function-configuration --function-name="$fn" --query 'CodeSha256' --output text)" ||
      aws_failed "reading function '$fn'" "the image of \$LATEST" "re-run the job"
    [ "$code_sha" != "$old_sha" ] && changed="code"
  fi
  output LAMBDA_CODE_SHA256 "$code_sha"
fi

# ---------------------------------------------------------------- configuration
cfg_fields_set=()
cfg_changes=()
if [ "$env_same" != "true" ]; then
  cfg_fields_set+=("\"Environment\":{\"Variables\":$merged_env}")
  cfg_changes+=("environment (${env_order[*]})")
fi
if [ -n "$memory" ] && [ "$memory" != "$cur_memory" ]; then cfg_fields_set+=("\"MemorySize\":$memory"); cfg_changes+=("memory $cur_memory -> $memory MB"); fi
if [ -n "$timeout" ] && [ "$timeout" != "$cur_timeout" ]; then cfg_fields_set+=("\"Timeout\":$timeout"); cfg_changes+=("timeout $cur_timeout -> $timeout s"); fi
if [ -n "$handler" ] && [ "$handler" != "$cur_handler" ]; then
  [ "$package_type" = Zip ] || bad_input handler "function '$fn' is an image function, whose handler is the image's CMD" "leave 'handler' empty"
  cfg_fields_set+=("\"Handler\":$(json_str "$handler")"); cfg_changes+=("handler $cur_handler -> $handler")
fi
if [ -n "$runtime" ] && [ "$runtime" != "$cur_runtime" ]; then
  [ "$package_type" = Zip ] || bad_input runtime "function '$fn' is an image function, which has no runtime setting" "leave 'runtime' empty"
  cfg_fields_set+=("\"Runtime\":$(json_str "$runtime")"); cfg_changes+=("runtime $cur_runtime -> $runtime")
fi
if [ "${#cfg_changes[@]}" -gt 0 ]; then
  say "updating the configuration: $(IFS=';'; printf '%s' "${cfg_changes[*]}" | sed 's/;/; /g')"
  # Through a file: environment values stay off the command line (and out of `ps`).
  (IFS=,; printf '{%s}' "${cfg_fields_set[*]}") > "$job_dir/config.json"
  aws_call lambda update-function-configuration --function-name="$fn" --cli-input-json="file://$job_dir/config.json" --query 'FunctionName' --output text > /dev/null ||
    aws_failed "updating the configuration of '$fn'" "${changed:+the code of \$LATEST}" "check the message above; the alias was not touched"
  changed="${changed:+$changed and }configuration"
  wait_function "the ${changed} of \$LATEST (not published, the alias was not touched)"
else
  say "configuration unchanged"
fi

# ---------------------------------------------------------------- version
fingerprint='to_string([CodeSha256, Handler, Runtime, MemorySize, Timeout, Environment.Variables, Layers[].Arn, ImageConfigResponse])'
new=""
published=false
if [ -z "$changed" ]; then
  # Nothing changed here: the newest version, if it is what $LATEST holds, is the one to run.
  newest="$(aws_call lambda list-versions-by-function --function-name="$fn" --output text \
    --query 'Versions[?Version!=`"$LATEST"`].Version')" || aws_failed "listing the versions of '$fn'" "" "check the role's lambda:ListVersionsByFunction permission"
  newest="$(printf '%s' "$newest" | tr '\t' '\n' | grep -E '^[0-9]+$' | sort -n | tail -n 1 || true)"
  if [ -n "$newest" ]; then
    a="$(aws_call lambda get-function-configuration --function-name="$fn" --output text --query="$fingerprint")" || aws_failed "reading function '$fn'" "" "re-run the job"
    b="$(aws_call lambda get-function-configuration --function-name="$fn" --qualifier="$newest" --output text --query="$fingerprint")" || aws_failed "reading version $newest of '$fn'" "" "re-run the job"
    [ "$a" = "$b" ] && new="$newest"
  fi
  [ -n "$new" ] && say "nothing changed since version $new: no version is published"
fi
if [ -z "$new" ]; then
  description="GitLab ${CI_PROJECT_PATH:-?} pipeline ${CI_PIPELINE_ID:-?} job ${CI_JOB_ID:-?} commit ${CI_COMMIT_SHORT_SHA:-?}"
  pub_args=(--function-name="$fn" --code-sha256="$code_sha" --description="${description:0:256}")
  new="$(aws_call lambda publish-version "${pub_args[@]}" --query 'Version' --output text)" ||
    aws_failed "publishing a version of '$fn'" "the ${changed:-nothing} of \$LATEST" "re-run the job; if AWS says the CodeSha256 does not match, another deploy changed \$LATEST at the same time"
  published=true
  say "published version $new (${changed:-\$LATEST had no published version})"
fi
output LAMBDA_NEW_VERSION "$new"
output LAMBDA_PUBLISHED "$published"

# ---------------------------------------------------------------- prune
prune_versions() {
  [ "$keep" -gt 0 ] || return 0
  local listed referenced v kept=0 deleted=0
  listed="$(aws_call lambda list-versions-by-function --function-name="$fn" --output text --query 'Versions[?Version!=`"$LATEST"`].Version')" ||
    { echo "${catalog_component}: warning: could not list versions to prune: $(aws_error)" >&2; return 0; }
  referenced="$(aws_call lambda list-aliases --function-name="$fn" --output text \
    --query 'Aliases[].[[FunctionVersion], keys(RoutingConfig.AdditionalVersionWeights || `{}`)][][]')" ||
    { echo "${catalog_component}: warning: could not list aliases to prune: $(aws_error)" >&2; return 0; }
  referenced=" $(printf '%s' "$referenced" | tr '\t\n' '  ') $new ${previous:-} "
  while IFS= read -r v; do
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    case "$referenced" in *" $v "*) continue ;; esac
    if [ "$kept" -lt "$keep" ]; then kept=$((kept + 1)); continue; fi
    if aws_call lambda delete-function --function-name="$fn" --qualifier="$v"; then
      deleted=$((deleted + 1))
    else
      echo "${catalog_component}: warning: could not delete version $v: $(aws_error)" >&2
    fi
  done < <(printf '%s' "$listed" | tr '\t' '\n' | sort -rn)
  say "pruned $deleted version(s) no alias references; kept the newest $kept of those"
}

if [ -n "$previous" ] && [ "$new" = "$previous" ]; then
  say "alias $alias_name already sends all traffic to version $new: nothing to deploy"
  output LAMBDA_DEPLOY_STATE UNCHANGED
  output LAMBDA_TRAFFIC_PERCENT 100
  prune_versions
  exit 0
fi

# ---------------------------------------------------------------- smoke test
if is_true "$smoke"; then
  printf '%s' "${LAMBDA_SMOKE_PAYLOAD:-}" > "$job_dir/payload.json"
  [ -s "$job_dir/payload.json" ] || printf '{}' > "$job_dir/payload.json"
  say "smoke test: invoking version $new (no traffic on it yet)"
  smoke_out="$(aws_call lambda invoke --function-name="$fn" --qualifier="$new" --payload="fileb://$job_dir/payload.json" --log-type=Tail \
    --output text --query '[to_string(StatusCode), FunctionError || `"-"`, LogResult || `"-"`]' "$job_dir/response.json")" ||
    aws_failed "invoking version $new" "published version $new; the alias was not touched" "check 'smoke-payload' and the role's lambda:InvokeFunction permission on the function's versions"
  IFS=$'\t' read -r status ferror logs <<< "$smoke_out"
  response="$(head -c 2000 -- "$job_dir/response.json")"
  smoke_problem=""
  [ "$status" = 200 ] || smoke_problem="status $status"
  [ "$ferror" = "-" ] || smoke_problem="the function failed ($ferror): $response"
  if [ -z "$smoke_problem" ] && [ -n "$smoke_expect" ] && ! grep -qF -- "$smoke_expect" "$job_dir/response.json"; then
    smoke_problem="the response does not contain '$smoke_expect': $response"
  fi
  if [ -n "$smoke_problem" ]; then
    if [ "$logs" != "-" ]; then
      echo "${catalog_component}: ---- last log lines of the smoke invocation ----" >&2
      printf '%s' "$logs" | base64 -d >&2 2> /dev/null || true
      echo >&2
    fi
    output LAMBDA_DEPLOY_STATE SMOKE_FAILED
    fail "smoke test of version $new failed: $smoke_problem. No traffic was moved: alias $alias_name still sends all traffic to version ${previous:-(none: not created)}. Version $new stays published, unreferenced."
  fi
  say "smoke test passed (status 200)"
fi

# ---------------------------------------------------------------- first alias
if [ -z "$previous" ]; then
  aws_call lambda create-alias --function-name="$fn" --name="$alias_name" --function-version="$new" --description="Managed by GitLab lambda-deploy" --query 'AliasArn' --output text ||
    aws_failed "creating alias '$alias_name'" "published version $new" "create the alias by hand or check the role's lambda:CreateAlias permission"
  output LAMBDA_DEPLOY_STATE COMPLETED
  output LAMBDA_TRAFFIC_PERCENT 100
  say "created alias $alias_name on version $new"
  prune_versions
  exit 0
fi

# Refuse to start into an alarm: it would roll the release back at once, or hide its effect.
if [ "${#alarms[@]}" -gt 0 ]; then
  firing="$(firing_alarms "published version $new")"
  [ -z "$firing" ] || fail "alarm(s) already in ALARM before any traffic moved: ${firing//$'\n'/; }. Fix the cause first; nothing was shifted (version $new is published, unreferenced)."
  say "alarms OK: ${alarms[*]}"
fi

# ---------------------------------------------------------------- CodeDeploy
if [ -n "$cd_app" ]; then
  appspec="{\"version\":0.0,\"Resources\":[{$(json_str "${fn##*:}"):{\"Type\":\"AWS::Lambda::Function\",\"Properties\":{\"Name\":$(json_str "$fn"),\"Alias\":$(json_str "$alias_name"),\"CurrentVersion\":$(json_str "$previous"),\"TargetVersion\":$(json_str "$new")}}}]"
  [ "${#cd_hooks[@]}" -gt 0 ] && appspec+=",\"Hooks\":[$(IFS=,; printf '%s' "${cd_hooks[*]}")]"
  appspec+="}"
  app_sha="$(printf '%s' "$appspec" | sha256sum | cut -c1-64)"
  printf '{"revisionType":"AppSpecContent","appSpecContent":{"content":%s,"sha256":"%s"}}' "$(json_str "$appspec")" "$app_sha" > "$job_dir/revision.json"
  cd_args=(--application-name="$cd_app" --deployment-group-name="$cd_group" --revision="file://$job_dir/revision.json" --description="GitLab pipeline ${CI_PIPELINE_ID:-?}: $fn $alias_name $previous -> $new")
  [ -n "$cd_config" ] && cd_args+=(--deployment-config-name="$cd_config")
  say "CodeDeploy: $cd_app/$cd_group shifts alias $alias_name from version $previous to $new${cd_config:+ ($cd_config)}"
  deployment="$(aws_call deploy create-deployment "${cd_args[@]}" --query 'deploymentId' --output text)" ||
    aws_failed "creating the CodeDeploy deployment" "published version $new" "check the application and deployment group names and the role's codedeploy:CreateDeployment permission"
  output LAMBDA_CODEDEPLOY_DEPLOYMENT_ID "$deployment"
  say "CodeDeploy deployment $deployment: https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${deployment}?region=${region}"
  deadline=$((SECONDS + cd_timeout))
  last=""
  while :; do
    out="$(aws_call deploy get-deployment --deployment-id="$deployment" --output text \
      --query 'deploymentInfo.[status, errorInformation.code || `"-"`, errorInformation.message || `"-"`, rollbackInfo.rollbackMessage || `"-"`]')" ||
      aws_failed "reading CodeDeploy deployment $deployment" "deployment $deployment is running" "follow it in the console"
    IFS=$'\t' read -r cd_status cd_code cd_message cd_rollback <<< "$out"
    case "$cd_status" in
      Succeeded)
        read_alias || fail "CodeDeploy deployment $deployment Succeeded, but alias '$alias_name' is gone"
        { [ "$alias_version" = "$new" ] && [ "$alias_routing" = "{}" ]; } ||
          fail "CodeDeploy deployment $deployment Succeeded, but alias '$alias_name' is on version $alias_version with routing $alias_routing, not all on version $new: check the deployment group's target (application '$cd_app', group '$cd_group')"
        output LAMBDA_DEPLOY_STATE COMPLETED
        output LAMBDA_TRAFFIC_PERCENT 100
        say "CodeDeploy deployment $deployment Succeeded: alias $alias_name sends all traffic to version $new"
        prune_versions
        exit 0 ;;
      Failed | Stopped)
        output LAMBDA_DEPLOY_STATE ROLLED_BACK
        [ "$cd_rollback" != "-" ] && echo "${catalog_component}: CodeDeploy rollback: $cd_rollback" >&2
        fail "CodeDeploy deployment $deployment $cd_status ($cd_code: $cd_message). CodeDeploy rolls the alias back to version $previous when the group's automatic rollback is on; check the alias." ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || fail "CodeDeploy deployment $deployment was still $cd_status after ${cd_timeout}s ('codedeploy-timeout'); it keeps running: follow or stop it in the console."
    [ "$cd_status" != "$last" ] && say "CodeDeploy deployment $deployment: $cd_status"
    last="$cd_status"
    sleep "$poll"
  done
fi

# ---------------------------------------------------------------- traffic shifting
steps=()
case "$strategy" in
  all-at-once) steps=(100) ;;
  canary) steps=("$canary_percent" 100) ;;
  linear)
    p="$linear_percent"
    while [ "$p" -lt 100 ]; do steps+=("$p"); p=$((p + linear_percent)); done
    steps+=(100) ;;
esac
[ "$gate" = manual ] && [ "$strategy" = all-at-once ] && bad_input promotion "'manual' needs a first step to pause at" "use strategy canary or linear with a manual promotion"
expect_version="$previous" expect_routing="{}"

# An interrupted shift (an AWS error, a cancelled job's SIGTERM) must not leave the alias split
# with nobody watching the alarms: on the way out, the alias goes back to the previous version,
# but only if it is still exactly as this job left it (otherwise it is someone else's now).
shift_interrupted() {
  local rc="$1"
  if [ "$shifting" = true ] && [ "$rc" -ne 0 ]; then
    shifting=false
    # A subshell: a failure while rolling back (fail, aws_failed) must not skip the cleanup.
    (
      if ! read_alias; then
        echo "${catalog_component}: the job stopped during the traffic shift and alias '$alias_name' could not be read back: check it now (aws lambda get-alias --function-name=$fn --name=$alias_name)" >&2
      elif [ "$alias_version" = "$previous" ] && [ "$alias_routing" = "{}" ]; then
        :
      elif [ "$alias_version" != "$expect_version" ] || [ "$alias_routing" != "$expect_routing" ]; then
        echo "${catalog_component}: the job stopped during the traffic shift; alias '$alias_name' is on version $alias_version with routing $alias_routing, not as this job left it, so it is left alone: check it now" >&2
      else
        echo "${catalog_component}: the job stopped while version $new had traffic (alias on version $alias_version, routing $alias_routing): rolling the alias back, because a split alias that nobody watches is not a safe state" >&2
        update_alias "$previous" "{}" "rolling alias '$alias_name' back to version $previous after the job stopped" "alias $alias_name was on version $alias_version with routing $alias_routing"
        output LAMBDA_DEPLOY_STATE ROLLED_BACK
        output LAMBDA_TRAFFIC_PERCENT 0
        echo "${catalog_component}: rolled back: alias $alias_name sends all traffic to version $previous again. Version $new stays published." >&2
      fi
    ) || true
  fi
  return 0
}

rollback_on_alarm() {
  local firing="$1" percent="$2" rc="$3"
  if [ "$rc" -eq 3 ]; then
    echo "${catalog_component}: ALARM while version $new had ${percent}% of the traffic:" >&2
    printf '%s\n' "$firing" | sed "s/^/${catalog_component}:   /" >&2
  else
    echo "${catalog_component}: the alarms could not be read (see above) while version $new had ${percent}% of the traffic: rolling back, because an unwatched release is not a safe one" >&2
  fi
  guard_alias "The alarm fired, but the alias is not this job's to roll back any more: check it now."
  update_alias "$previous" "{}" "rolling alias '$alias_name' back to version $previous" "alias $alias_name sent ${percent}% to version $new"
  shifting=false
  output LAMBDA_DEPLOY_STATE ROLLED_BACK
  output LAMBDA_TRAFFIC_PERCENT 0
  fail "rolled back: alias $alias_name sends all traffic to version $previous again. Version $new stays published for investigation. The job fails because the release did not go out."
}

catalog_exit_hook=shift_interrupted
shifting=true
for i in "${!steps[@]}"; do
  percent="${steps[$i]}"
  guard_alias "Version $new is published; the alias was left as the other party set it."
  if [ "$percent" -ge 100 ]; then
    update_alias "$new" "{}" "moving alias '$alias_name' to version $new" "published version $new"
    say "alias $alias_name: 100% on version $new"
  else
    update_alias "$previous" "$(routing_json "$new" "$percent")" "shifting ${percent}% of alias '$alias_name' to version $new" "published version $new"
    say "alias $alias_name: ${percent}% on version $new, $((100 - percent))% on version $previous"
  fi
  if [ "$percent" -lt 100 ]; then
    wait_s="$step_interval"
    if [ "${#alarms[@]}" -gt 0 ]; then say "watching alarms for ${wait_s}s"; else say "waiting ${wait_s}s (no alarms to watch)"; fi
    rc=0
    firing="$(watch_alarms "$wait_s")" || rc=$?
    [ "$rc" -eq 0 ] || rollback_on_alarm "$firing" "$percent" "$rc"
    guard_alias "Version $new has ${percent}% of the traffic as this job left it."
    if [ "$gate" = manual ]; then
      output LAMBDA_DEPLOY_STATE CANARY
      output LAMBDA_TRAFFIC_PERCENT "$percent"
      say "paused with ${percent}% on version $new: run the promote job to send all traffic to it now, or the rollback job to return to version $previous"
      shifting=false
      exit 0
    fi
  elif [ "$bake_time" -gt 0 ]; then
    say "baking: watching alarms for ${bake_time}s with all traffic on version $new"
    rc=0
    firing="$(watch_alarms "$bake_time")" || rc=$?
    [ "$rc" -eq 0 ] || rollback_on_alarm "$firing" 100 "$rc"
  fi
done
shifting=false
output LAMBDA_DEPLOY_STATE COMPLETED
output LAMBDA_TRAFFIC_PERCENT 100
say "deployed: alias $alias_name of $fn sends all traffic to version $new (was $previous)"
prune_versions
