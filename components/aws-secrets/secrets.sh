#!/usr/bin/env bash
# shellcheck shell=bash
# Loads secrets from AWS Secrets Manager and SSM Parameter Store into the job's shell, after
# oidc-auth's before_script and before the job's own script (they run in one shell), so the
# script sees them as exported variables or as mode-600 files. It runs inside other jobs, so it
# keeps to functions with its own prefix, changes no shell option for good and never exits on
# success.
#
# Never print a value: GitLab masks only CI/CD variables it knows before the job starts, so a
# value fetched here would be shown in clear to everyone who can read the job log. Only names,
# secret ids and parameter names are printed; xtrace (CI_DEBUG_TRACE, set -x) is paused while
# values are handled.
#
# The job image has no jq or python: JSON (the AWS CLI's answers and JSON secrets) is read by
# the small parser below, so values never reach a command line (where `ps` would show them).

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=aws-secrets

# --- A JSON reader. secrets_json_parse TEXT fills secrets_json_type[PATH] (string, number,
# true, false, null, object, array), secrets_json_value[PATH] (decoded strings; numbers and
# literals as written; objects and arrays as their JSON text) and secrets_json_keys[PATH] (the
# keys or indexes of a container, one per line). PATH is `.` (the root) followed by each key
# from the root, every one after $'\x1f' (secrets_sep). Returns 1 with secrets_json_error set
# when TEXT is not JSON.
secrets_sep=$'\x1f'
secrets_json_parse() {
  secrets_json_text="$1"
  secrets_json_pos=0
  secrets_json_error=""
  declare -gA secrets_json_type=() secrets_json_value=() secrets_json_keys=()
  secrets_json_element . || return 1
  secrets_json_space
  if [ "$secrets_json_pos" -lt "${#secrets_json_text}" ]; then
    secrets_json_error="unexpected text after the JSON value at character $((secrets_json_pos + 1))"
    return 1
  fi
  return 0
}

secrets_json_space() {
  while :; do
    case "${secrets_json_text:secrets_json_pos:1}" in
      ' ' | $'\t' | $'\n' | $'\r') secrets_json_pos=$((secrets_json_pos + 1)) ;;
      *) return 0 ;;
    esac
  done
}

secrets_json_element() {
  local path="$1" start c key index sep="$secrets_sep"
  secrets_json_space
  start=$secrets_json_pos
  c="${secrets_json_text:secrets_json_pos:1}"
  case "$c" in
    '{')
      secrets_json_type["$path"]=object
      secrets_json_keys["$path"]=""
      secrets_json_pos=$((secrets_json_pos + 1))
      secrets_json_space
      if [ "${secrets_json_text:secrets_json_pos:1}" = "}" ]; then
        secrets_json_pos=$((secrets_json_pos + 1))
      else
        while :; do
          secrets_json_space
          [ "${secrets_json_text:secrets_json_pos:1}" = '"' ] || { secrets_json_error="expected a key in quotes at character $((secrets_json_pos + 1))"; return 1; }
          secrets_json_string || return 1
          key="$secrets_json_str"
          secrets_json_space
          [ "${secrets_json_text:secrets_json_pos:1}" = ":" ] || { secrets_json_error="expected ':' at character $((secrets_json_pos + 1))"; return 1; }
          secrets_json_pos=$((secrets_json_pos + 1))
          secrets_json_element "$path$sep$key" || return 1
          secrets_json_keys["$path"]+="$key"$'\n'
          secrets_json_space
          c="${secrets_json_text:secrets_json_pos:1}"
          secrets_json_pos=$((secrets_json_pos + 1))
          [ "$c" = "," ] && continue
          [ "$c" = "}" ] && break
          secrets_json_error="expected ',' or '}' at character ${secrets_json_pos}"
          return 1
        done
      fi
      ;;
    '[')
      secrets_json_type["$path"]=array
      secrets_json_keys["$path"]=""
      secrets_json_pos=$((secrets_json_pos + 1))
      secrets_json_space
      if [ "${secrets_json_text:secrets_json_pos:1}" = "]" ]; then
        secrets_json_pos=$((secrets_json_pos + 1))
      else
        index=0
        while :; do
          secrets_json_element "$path$sep$index" || return 1
          secrets_json_keys["$path"]+="$index"$'\n'
          index=$((index + 1))
          secrets_json_space
          c="${secrets_json_text:secrets_json_pos:1}"
          secrets_json_pos=$((secrets_json_pos + 1))
          [ "$c" = "," ] && continue
          [ "$c" = "]" ] && break
          secrets_json_error="expected ',' or ']' at character ${secrets_json_pos}"
          return 1
        done
      fi
      ;;
    '"')
      secrets_json_string || return 1
      secrets_json_type["$path"]=string
      secrets_json_value["$path"]="$secrets_json_str"
      return 0
      ;;
    *)
      local rest="${secrets_json_text:secrets_json_pos:400}" literal='^(true|false|null)' number='^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?'
      if [[ "$rest" =~ $literal ]]; then
        secrets_json_type["$path"]="${BASH_REMATCH[1]}"
      elif [[ "$rest" =~ $number ]]; then
        secrets_json_type["$path"]=number
      else
        secrets_json_error="unexpected character at character $((secrets_json_pos + 1))"
        return 1
      fi
      secrets_json_value["$path"]="${BASH_REMATCH[0]}"
      secrets_json_pos=$((secrets_json_pos + ${#BASH_REMATCH[0]}))
      return 0
      ;;
  esac
  secrets_json_value["$path"]="${secrets_json_text:start:secrets_json_pos-start}"
  return 0
}

# A JSON string at the position (on its opening quote) -> secrets_json_str, decoded.
secrets_json_string() {
  local out="" chunk c hex cp low plain='^[^"\\]*'
  secrets_json_pos=$((secrets_json_pos + 1))
  while :; do
    # Plain characters in bounded chunks: a regex on the whole remaining text would cost its length each time.
    chunk="${secrets_json_text:secrets_json_pos:256}"
    [[ "$chunk" =~ $plain ]]
    out+="${BASH_REMATCH[0]}"
    secrets_json_pos=$((secrets_json_pos + ${#BASH_REMATCH[0]}))
    [ "${#BASH_REMATCH[0]}" -eq 256 ] && continue
    c="${secrets_json_text:secrets_json_pos:1}"
    case "$c" in
      '"')
        secrets_json_pos=$((secrets_json_pos + 1))
        secrets_json_str="$out"
        return 0
        ;;
      \\)
        c="${secrets_json_text:secrets_json_pos+1:1}"
        secrets_json_pos=$((secrets_json_pos + 2))
        case "$c" in
          '"' | \\ | /) out+="$c" ;;
          b) out+=$'\b' ;;
          f) out+=$'\f' ;;
          n) out+=$'\n' ;;
          r) out+=$'\r' ;;
          t) out+=$'\t' ;;
          u)
            hex="${secrets_json_text:secrets_json_pos:4}"
            [[ "$hex" =~ ^[0-9A-Fa-f]{4}$ ]] || { secrets_json_error="bad \\u escape at character ${secrets_json_pos}"; return 1; }
            secrets_json_pos=$((secrets_json_pos + 4))
            cp=$((16#$hex))
            if [ "$cp" -ge 55296 ] && [ "$cp" -le 56319 ] && [ "${secrets_json_text:secrets_json_pos:2}" = '\u' ]; then
              hex="${secrets_json_text:secrets_json_pos+2:4}"
              if [[ "$hex" =~ ^[0-9A-Fa-f]{4}$ ]]; then
                low=$((16#$hex))
                if [ "$low" -ge 56320 ] && [ "$low" -le 57343 ]; then
                  cp=$((65536 + (cp - 55296) * 1024 + (low - 56320)))
                  secrets_json_pos=$((secrets_json_pos + 6))
                fi
              fi
            fi
            [ "$cp" -ne 0 ] || { secrets_json_error="the text contains a NUL character (\\u0000), which a shell variable cannot hold"; return 1; }
            out+="$(secrets_utf8 "$cp")"
            ;;
          *) secrets_json_error="bad escape at character ${secrets_json_pos}"; return 1 ;;
        esac
        ;;
      *)
        secrets_json_error="unterminated string"
        return 1
        ;;
    esac
  done
}

# The UTF-8 bytes of a code point (printf's \u depends on the locale; this does not).
secrets_utf8() {
  local cp="$1" bytes
  if [ "$cp" -lt 128 ]; then
    printf -v bytes '\\x%02x' "$cp"
  elif [ "$cp" -lt 2048 ]; then
    printf -v bytes '\\x%02x\\x%02x' $((192 | (cp >> 6))) $((128 | (cp & 63)))
  elif [ "$cp" -lt 65536 ]; then
    printf -v bytes '\\x%02x\\x%02x\\x%02x' $((224 | (cp >> 12))) $((128 | ((cp >> 6) & 63))) $((128 | (cp & 63)))
  else
    printf -v bytes '\\x%02x\\x%02x\\x%02x\\x%02x' $((240 | (cp >> 18))) $((128 | ((cp >> 12) & 63))) $((128 | ((cp >> 6) & 63))) $((128 | (cp & 63)))
  fi
  printf '%b' "$bytes"
}

# --- Loading.

# Names a secret may not take: the shell's, the runner's, and those that steer AWS or this catalog.
secrets_reserved() {
  case "$1" in
    PATH | HOME | SHELL | IFS | PWD | OLDPWD | USER | LOGNAME | TMPDIR | ENV | BASH_ENV | PS4 | CDPATH | GLOBIGNORE | HOSTNAME) return 0 ;;
    BASH* | LD_* | CI_* | GITLAB_* | FF_* | AWS_* | OIDC_* | CATALOG_* | LOAD_*) return 0 ;;
  esac
  return 1
}

# The variable name for a key under a `PREFIX*` entry: upper case, other characters as `_`.
secrets_derived_name() {
  local name
  name="$(printf '%s' "$2" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9_' '_')"
  printf '%s%s' "$1" "$name"
}

# secrets_arn KIND ID: the resource ARN an IAM statement must allow, for the failure message.
secrets_arn() {
  local account="${AWS_ROLE_ARN:-}" region="${AWS_REGION:-<region>}"
  account="${account#arn:*:iam::}"
  account="${account%%:*}"
  [ -n "$account" ] || account="<account>"
  case "$1:$2" in
    sm:arn:*) printf '%s' "$2" ;;
    sm:*) printf 'arn:aws:secretsmanager:%s:%s:secret:%s-*' "$region" "$account" "$2" ;;
    ssm:arn:*) printf '%s' "$2" ;;
    ssm:/*) printf 'arn:aws:ssm:%s:%s:parameter%s' "$region" "$account" "$2" ;;
    ssm:*) printf 'arn:aws:ssm:%s:%s:parameter/%s' "$region" "$account" "$2" ;;
    ssm-path:*) printf 'arn:aws:ssm:%s:%s:parameter%s*' "$region" "$account" "${2%/}/" ;;
  esac
}

# secrets_aws_failed WHAT FOR KIND ID ACTION: the failure of a read, naming the secret, the
# variable it was for, and the IAM action and resource the role needs.
secrets_aws_failed() {
  local what="$1" for="$2" kind="$3" id="$4" action="$5" error
  error="$(aws_error)"
  case "$error" in
    *ResourceNotFoundException* | *ParameterNotFound*)
      fail "${what} (for ${for}) does not exist in ${AWS_REGION:-this region}, or it is in another region or account. Create it, fix the name in the 'secrets' input, or set the 'region' input. AWS said: ${error}" ;;
    *DecryptionFailure* | *KMS* | *kms:*)
      aws_failed "reading ${what} (for ${for})" "" "allow kms:Decrypt on the KMS key that encrypts it, in the key policy or the role's policy (and ${action} on $(secrets_arn "$kind" "$id"))" ;;
  esac
  aws_failed "reading ${what} (for ${for})" "" "allow ${action} on $(secrets_arn "$kind" "$id") in the role's policy (the aws-secrets docs give the statement)"
}

# secrets_put NAME VALUE AS_FILE SOURCE: export NAME as the value, or as the path of a mode-600
# file holding it (as GitLab's file-type variables do). Binary values come base64-encoded with AS_FILE=binary.
secrets_put() {
  local name="$1" value="$2" mode="$3" source="$4" file
  [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "'${name}' (from ${source}) is not a variable name: use letters, digits and '_', not starting with a digit."
  secrets_reserved "$name" && fail "'${name}' (from ${source}) would replace a variable the shell, the runner, the AWS CLI or this catalog relies on. Choose another name in the 'secrets' input."
  if [ -n "${secrets_loaded[$name]:-}" ]; then
    fail "two entries give the variable ${name}: ${secrets_loaded[$name]} and ${source}. Rename one in the 'secrets' input (a PREFIX_* entry names its variables PREFIX_<KEY>)."
  fi
  secrets_loaded["$name"]="$source"
  if [ "$mode" = variable ]; then
    printf -v "$name" '%s' "$value"
    export "${name?}"
  else
    mkdir -p "$CATALOG_JOB_DIR/secrets"
    chmod 700 "$CATALOG_JOB_DIR/secrets"
    file="$CATALOG_JOB_DIR/secrets/${name}"
    if [ "$mode" = binary ]; then
      (umask 077 && printf '%s' "$value" | base64 -d > "$file") || fail "the binary value of ${source} is not valid base64."
    else
      (umask 077 && printf '%s' "$value" > "$file")
    fi
    printf -v "$name" '%s' "$file"
    export "${name?}"
    secrets_files+=("$name")
  fi
  secrets_names+=("$name")
}

# secrets_pick SOURCE SELECTOR TEXT: the part of TEXT (a JSON document) that SELECTOR names:
# `key` (a top-level key, taken literally) or `/a/b/0` (a JSON Pointer, RFC 6901).
# Sets secrets_picked and secrets_picked_type.
secrets_pick() {
  local source="$1" selector="$2" path=. part sep="$secrets_sep" keys
  secrets_json_parse "$3" || fail "${source} is not JSON (${secrets_json_error}), so '#${selector}' cannot be read from it. Remove '#${selector}' to load the whole value."
  if [[ "$selector" == /* ]]; then
    local rest="${selector#/}"
    while :; do
      part="${rest%%/*}"
      part="${part//\~1//}"
      part="${part//\~0/\~}"
      path="$path$sep$part"
      [[ "$rest" == */* ]] || break
      rest="${rest#*/}"
    done
  else
    path=".$sep$selector"
  fi
  if [ -z "${secrets_json_type[$path]:-}" ]; then
    case "${secrets_json_type[.]}" in
      object) keys="$(printf '%s' "${secrets_json_keys[.]}" | paste -sd, - | sed 's/,/, /g')" ;;
      *) keys="" ;;
    esac
    fail "${source} has no key '${selector}'$([ -n "$keys" ] && printf ' (its top-level keys: %s)' "$keys"). Fix the key after '#' in the 'secrets' input."
  fi
  secrets_picked_type="${secrets_json_type[$path]}"
  [ "$secrets_picked_type" != null ] || fail "'${selector}' in ${source} is null. Give it a value, or remove it from the 'secrets' input."
  secrets_picked="${secrets_json_value[$path]}"
}

# One entry of the list: [file:]NAME=SOURCE or [file:][PREFIX]*=SOURCE.
secrets_entry() {
  local entry="$1" mode=variable name star kind ref id selector="" answer value label
  [[ "$entry" =~ ^(file:)?([A-Za-z_][A-Za-z0-9_]*)?(\*)?=(sm|ssm|ssm-path):(.+)$ ]] ||
    bad_input secrets "'${entry%%=*}=...' is not [file:]NAME=sm:<secret id>[#key], [file:]NAME=ssm:<parameter>[#key] or PREFIX_*=ssm-path:<path>/" "write one entry per line, e.g. DB_PASSWORD=sm:prod/db#password"
  if [ -n "${BASH_REMATCH[1]}" ]; then mode="file"; fi
  name="${BASH_REMATCH[2]}"
  star="${BASH_REMATCH[3]}"
  kind="${BASH_REMATCH[4]}"
  ref="${BASH_REMATCH[5]}"
  [ -n "$name" ] || [ -n "$star" ] || bad_input secrets "'${entry%%=*}' names no variable" "give a name, or a prefix followed by * to load every key"
  if [ "$kind" = ssm-path ] && [ -z "$star" ]; then
    bad_input secrets "'${name}=ssm-path:...' loads many parameters into one name" "write ${name}_*=ssm-path:${ref} (each parameter becomes ${name}_<NAME>)"
  fi
  if [[ "$ref" == *"#"* ]]; then
    id="${ref%%#*}"
    selector="${ref#*#}"
    [ -n "$selector" ] || bad_input secrets "'${entry%%=*}': nothing after '#'" "name a key after '#', or remove the '#'"
    [ -z "$star" ] || bad_input secrets "'${entry%%=*}=${kind}:${ref}' picks one key into many variables" "use NAME=${kind}:${ref} for one key, or PREFIX_*=${kind}:${id} for every key"
  else
    id="$ref"
  fi
  safe_arg secrets "$id"
  case "$kind" in
    sm)
      label="secret '${id}' in Secrets Manager"
      # Several keys of one secret are one read.
      answer="${secrets_answers["sm:$id"]:-}"
      if [ -z "$answer" ]; then
        answer="$(aws_call secretsmanager get-secret-value --secret-id="$id" --query='[SecretString, SecretBinary]' --output=json)" ||
          secrets_aws_failed "$label" "${name:-${entry%%=*}}" sm "$id" secretsmanager:GetSecretValue
        secrets_answers["sm:$id"]="$answer"
      fi
      secrets_json_parse "$answer" || fail "could not read the answer for ${label}: ${secrets_json_error}"
      if [ "${secrets_json_type[.${secrets_sep}0]}" != string ]; then
        [ "${secrets_json_type[.${secrets_sep}1]:-null}" = string ] || fail "${label} has no value."
        if [ "$mode" != file ] || [ -n "$selector" ] || [ -n "$star" ]; then
          fail "${label} is binary (SecretBinary); a shell variable cannot hold it. Load it as a file: file:${name:-NAME}=sm:${id}"
        fi
        secrets_put "$name" "${secrets_json_value[.${secrets_sep}1]}" binary "$label"
        return 0
      fi
      value="${secrets_json_value[.${secrets_sep}0]}"
      ;;
    ssm)
      label="parameter '${id}' in Parameter Store"
      answer="${secrets_answers["ssm:$id"]:-}"
      if [ -z "$answer" ]; then
        answer="$(aws_call ssm get-parameter --name="$id" --with-decryption --query='Parameter.Value' --output=json)" ||
          secrets_aws_failed "$label" "${name:-${entry%%=*}}" ssm "$id" ssm:GetParameter
        secrets_answers["ssm:$id"]="$answer"
      fi
      secrets_json_parse "$answer" || fail "could not read the answer for ${label}: ${secrets_json_error}"
      value="${secrets_json_value[.]}"
      ;;
    ssm-path)
      [[ "$id" == /* ]] || bad_input secrets "'${id}' is not a path" "give a path from the root, such as /shop/prod/"
      label="parameters under '${id}' in Parameter Store"
      answer="$(aws_call ssm get-parameters-by-path --path="${id%/}" --recursive --with-decryption --query='Parameters[].[Name, Value]' --output=json)" ||
        secrets_aws_failed "$label" "${name}*" ssm-path "$id" ssm:GetParametersByPath
      secrets_json_parse "$answer" || fail "could not read the answer for ${label}: ${secrets_json_error}"
      local i count=0 pname
      for i in ${secrets_json_keys[.]}; do
        pname="${secrets_json_value[.$secrets_sep$i${secrets_sep}0]}"
        secrets_put "$(secrets_derived_name "$name" "${pname#"${id%/}/"}")" "${secrets_json_value[.$secrets_sep$i${secrets_sep}1]}" "$mode" "parameter '${pname}'"
        count=$((count + 1))
      done
      [ "$count" -gt 0 ] || fail "there are no parameters under '${id}' in ${AWS_REGION:-this region} that the role can read (for ${name}*). Create them, fix the path in the 'secrets' input, or check the 'region' input."
      return 0
      ;;
  esac
  if [ -n "$star" ]; then
    secrets_json_parse "$value" || fail "${label} is not JSON (${secrets_json_error}), so '${name}*' cannot load its keys. Use NAME=${kind}:${id} to load the whole value."
    [ "${secrets_json_type[.]}" = object ] || fail "${label} is JSON but not an object, so '${name}*' has no keys to load. Use NAME=${kind}:${id}."
    local key
    local -a keys=()
    mapfile -t keys < <(printf '%s' "${secrets_json_keys[.]}")
    for key in "${keys[@]}"; do
      [ "${secrets_json_type[.$secrets_sep$key]}" != null ] || continue
      secrets_put "$(secrets_derived_name "$name" "$key")" "${secrets_json_value[.$secrets_sep$key]}" "$mode" "key '${key}' of ${label}"
    done
    return 0
  fi
  if [ -n "$selector" ]; then
    secrets_pick "$label" "$selector" "$value"
    secrets_put "$name" "$secrets_picked" "$mode" "key '${selector}' of ${label}"
  else
    secrets_put "$name" "$value" "$mode" "$label"
  fi
}

secrets_load() {
  local entry
  local -a entries=()
  declare -gA secrets_loaded=() secrets_answers=()
  secrets_names=()
  secrets_files=()
  mapfile -t entries < <(split_list "${LOAD_SECRETS:-}")
  [ "${#entries[@]}" -gt 0 ] || return 0
  for entry in "${entries[@]}"; do secrets_entry "$entry"; done
  # Names only: the values stay out of the log.
  say "loaded ${#secrets_names[@]} secret(s) as variables for this job's script: ${secrets_names[*]}$([ "${#secrets_files[@]}" -gt 0 ] && printf ' (%s hold the path of a mode-600 file, removed when the job ends)' "${secrets_files[*]}")"
  unset secrets_json_text secrets_json_type secrets_json_value secrets_json_keys secrets_picked secrets_answers
}

# xtrace (set -x, CI_DEBUG_TRACE) would print every value as it is assigned: paused while loading.
case "$-" in
  *x*) secrets_xtrace=1 ;;
  *) secrets_xtrace="" ;;
esac
{ set +x; } 2> /dev/null
if [ -n "$secrets_xtrace" ] || [ "${CI_DEBUG_TRACE:-}" = "true" ]; then
  say "warning: shell tracing is on (CI_DEBUG_TRACE or set -x): it is paused while secrets load, but it will print any command of your script that uses them"
fi
secrets_load
if [ -n "$secrets_xtrace" ]; then set -x; fi
