#!/usr/bin/env bash
# shellcheck shell=bash
# Runs as a before_script: everything exported here is seen by the job's script.
# No credentials are exchanged here. The AWS CLI and every AWS SDK read
# AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, call sts:AssumeRoleWithWebIdentity
# themselves and refresh before expiry, so long deploys never run on stale keys.
# The token file and the CLI's credential cache live in the job-private directory the shared
# library removes when the job's shell exits, pass or fail.

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=oidc-auth

# Shell tracing (set -x before this script, CI_DEBUG_TRACE) would print the ID token in the
# commands below; GitLab masks it, but a runner or log shipper that does not would show it.
case "$-" in
  *x*) oidc_xtrace=1 ;;
  *) oidc_xtrace="" ;;
esac
{ set +x; } 2> /dev/null

if [ -z "${AWS_ID_TOKEN:-}" ]; then
  fail "the GitLab ID token AWS_ID_TOKEN is empty. The job needs 'id_tokens: AWS_ID_TOKEN: aud: ...'; if you override before_script, keep '!reference [.aws-oidc-auth, before_script]' in it."
fi
if [ -z "${OIDC_ROLE_ARN:-}" ]; then
  fail "no role ARN. Set the component input 'role-arn'."
fi

# The input may have been a CI/CD variable reference, so check the expanded values here.
if ! [[ "$OIDC_ROLE_ARN" =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$ ]]; then
  fail "role-arn '${OIDC_ROLE_ARN}' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>). Fix the 'role-arn' input or the variable it names."
fi
if ! [[ "${OIDC_REGION:-}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]]; then
  fail "region '${OIDC_REGION:-}' is not an AWS region such as eu-west-1. Fix the 'region' input or the variable it names."
fi

# Static keys in the environment would win over the web identity and defeat OIDC.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE

oidc_token_file="$CATALOG_JOB_DIR/aws-web-identity-token"
(umask 077 && printf '%s' "$AWS_ID_TOKEN" > "$oidc_token_file")

# AWS allows 2-64 characters of [\w+=,.@-]; branch names and paths allow much more.
oidc_session_name="${OIDC_SESSION_NAME:-}"
if [ -z "$oidc_session_name" ]; then
  oidc_session_name="gitlab-${CI_PROJECT_PATH_SLUG:-project}-${CI_JOB_ID:-local}"
fi
oidc_session_name="$(printf '%s' "$oidc_session_name" | tr -c 'A-Za-z0-9_+=,.@-' '-' | cut -c1-64)"
if [ "${#oidc_session_name}" -lt 2 ]; then
  oidc_session_name="gitlab-${oidc_session_name}"
fi

export AWS_ROLE_ARN="$OIDC_ROLE_ARN"
export AWS_WEB_IDENTITY_TOKEN_FILE="$oidc_token_file"
export AWS_ROLE_SESSION_NAME="$oidc_session_name"
export AWS_REGION="$OIDC_REGION"
export AWS_DEFAULT_REGION="$OIDC_REGION"
# Standard retry mode backs off on throttling for every call the job makes.
export AWS_RETRY_MODE="${AWS_RETRY_MODE:-standard}"
export AWS_MAX_ATTEMPTS="${AWS_MAX_ATTEMPTS:-5}"
# AWS CLI v2 would page long output through less, which waits for a keypress.
export AWS_PAGER=""
say "jobs will assume ${AWS_ROLE_ARN} as session ${AWS_ROLE_SESSION_NAME} in ${AWS_REGION}"
if [ -n "$oidc_xtrace" ]; then set -x; fi
