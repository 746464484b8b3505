#!/usr/bin/env bash
# shellcheck shell=bash
# Proves the trust relationship works before anything deploys: exchanges the
# token once with the requested duration, then asks STS who we are.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=oidc-auth

[[ "${OIDC_SESSION_DURATION:-}" =~ ^[0-9]{1,9}$ ]] ||
  fail "session-duration '${OIDC_SESSION_DURATION:-}' is not a whole number of seconds (900-43200)."
session_duration="$(uint session-duration "$OIDC_SESSION_DURATION")"
if [ "$session_duration" -lt 900 ] || [ "$session_duration" -gt 43200 ]; then
  fail "session-duration ${session_duration} is outside 900-43200 seconds."
fi

claims() {
  # The payload (middle part) of a JWT names the project and ref; it is not a secret, the signature is.
  local payload
  payload="$(cut -d. -f2 < "$AWS_WEB_IDENTITY_TOKEN_FILE" | tr '_-' '/+')"
  while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="${payload}="; done
  printf '%s' "$payload" | base64 -d 2>/dev/null || echo '(token payload unreadable)'
}

# The token file is ours (the job directory), so `file://` is meant here.
if ! assumed="$(aws sts assume-role-with-web-identity \
  --role-arn="$AWS_ROLE_ARN" \
  --role-session-name="$AWS_ROLE_SESSION_NAME" \
  --web-identity-token="file://${AWS_WEB_IDENTITY_TOKEN_FILE}" \
  --duration-seconds="$session_duration" \
  --query 'AssumedRoleUser.Arn' --output text 2>&1)"; then
  echo "oidc-auth: error: AWS refused to let this job assume ${AWS_ROLE_ARN}:" >&2
  echo "  ${assumed}" >&2
  echo "The token presented these claims:" >&2
  echo "  $(claims)" >&2
  echo "Check the role's trust policy: the OIDC provider's audience must equal the 'aud' above;" >&2
  echo "the '<host>:sub' condition must match the 'sub' above (use StringLike for '*' wildcards);" >&2
  echo "and session-duration must not exceed the role's MaxSessionDuration." >&2
  exit 1
fi
say "assumed ${assumed} for up to ${session_duration}s"

aws sts get-caller-identity --query '{Account: Account, Arn: Arn}' --output table
