#!/usr/bin/env bash
# shellcheck shell=bash
# The component's own job: by the time this runs, before_script has read every listed secret
# with the role (or failed naming the one it could not read). Replace this job's `script:` to
# run commands with the secrets, or `extends:` the hidden job in jobs of your own.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component=aws-secrets

say "every listed secret is readable by ${AWS_ROLE_ARN:-the role} (give this job a script: of your own to use them)"
