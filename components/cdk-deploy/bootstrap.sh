#!/usr/bin/env bash
# shellcheck shell=bash
# bootstrap_check: reads each environment's bootstrap version (the SSM parameter the assembly
# names) and compares it with the version the assembly requires, failing with the exact
# `cdk bootstrap` command to run. The SSM read uses the AWS SDK for JavaScript (the job image has
# Node, not the AWS CLI), pinned and cached beside the CDK CLI.
# shellcheck disable=SC2154 # app_dir, cdk, cdk_version come from cli.sh, which the job runs first.
set -euo pipefail

# shellcheck source=components/_shared/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../_shared/lib.sh"
catalog_component='cdk-deploy'

SSM_SDK_VERSION=3.1169.0

bootstrap_check() {
  local assembly="$app_dir/cdk.out/manifest.json" sdk_dir needs param account region qualifier found
  [ -f "$assembly" ] || fail "there is no cloud assembly in ${CDK_APP_DIR}/cdk.out: this job needs the synth job's artifacts (needs: ... artifacts: true)."
  sdk_dir="${CI_PROJECT_DIR:-$PWD}/.cdk-cli/client-ssm-${SSM_SDK_VERSION}"
  if ! NODE_PATH="$sdk_dir/node_modules${NODE_PATH:+:$NODE_PATH}" node -e 'require.resolve("@aws-sdk/client-ssm")' 2> /dev/null; then
    npm install --prefix="$sdk_dir" --no-audit --no-fund --loglevel=error "@aws-sdk/client-ssm@${SSM_SDK_VERSION}" > /dev/null ||
      fail "npm could not install @aws-sdk/client-ssm@${SSM_SDK_VERSION} for the bootstrap check; set 'bootstrap-check: false' to skip it."
  fi
  # One line per environment: required version, SSM parameter, account, region.
  # shellcheck disable=SC2016 # the node -e text is JavaScript, not shell
  while IFS=$'\t' read -r needs param account region; do
    [ -n "$needs" ] || continue
    qualifier="$(printf '%s' "$param" | cut -d/ -f3)"
    found="$(NODE_PATH="$sdk_dir/node_modules${NODE_PATH:+:$NODE_PATH}" node - "$param" "$region" << 'JS'
const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');
const [name, region] = process.argv.slice(2);
new SSMClient({ region })
  .send(new GetParameterCommand({ Name: name }))
  .then((r) => console.log(r.Parameter.Value))
  .catch((e) => {
    if (e.name === 'ParameterNotFound') return console.log('missing');
    console.error(`${e.name}: ${e.message}`);
    process.exit(1);
  });
JS
)" || fail "reading the bootstrap version (SSM ${param} in ${region}) failed (above). The job's role needs ssm:GetParameter on it (see the policy), or set 'bootstrap-check: false'."
    local target="aws://${account}/${region}" run
    run="cdk bootstrap ${target}$([ "$qualifier" = hnb659fds ] || echo " --qualifier=${qualifier}")"
    if [ "$found" = missing ]; then
      fail "${target} is not bootstrapped for this app (SSM parameter ${param} does not exist; it needs bootstrap version ${needs} or newer). Run once, with administrator credentials for that account: npx aws-cdk@${cdk_version} ${run#cdk }"
    fi
    [[ "$found" =~ ^[0-9]+$ ]] || fail "SSM parameter ${param} holds '${found}', not a bootstrap version. Re-run: npx aws-cdk@${cdk_version} ${run#cdk }"
    if [ "$found" -lt "$needs" ]; then
      fail "${target} has bootstrap version ${found}, older than the ${needs} this app needs. Upgrade it, with administrator credentials for that account: npx aws-cdk@${cdk_version} ${run#cdk }"
    fi
    say "bootstrap: ${target} has version ${found} (this app needs ${needs} or newer)"
  done < <(node -e '
const m = require(process.argv[1]);
const seen = new Set();
for (const a of Object.values(m.artifacts ?? {})) {
  const p = a.properties ?? {};
  if (a.type !== "aws:cloudformation:stack" || !p.requiresBootstrapStackVersion) continue;
  // An environment-agnostic stack deploys where the job credentials point.
  let [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(a.environment) ?? [];
  if (!region || region.startsWith("unknown-")) region = process.env.AWS_REGION;
  if (!account || account.startsWith("unknown-")) account = "<account>";
  const param = p.bootstrapStackVersionSsmParameter ?? "/cdk-bootstrap/hnb659fds/version";
  const line = [p.requiresBootstrapStackVersion, param, account, region].join("\t");
  if (!seen.has(line)) { seen.add(line); console.log(line); }
}' "$assembly")
  return 0
}
