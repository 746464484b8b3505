#!/usr/bin/env bash
# Installs what the end-to-end scenarios need, only when it is missing, so `npm test`
# works on a fresh clone and costs a few milliseconds on a machine that has everything.
#   - moto[server] and awscli at pinned versions in a project-local virtualenv (.tools/venv)
#   - rsync (gitlab-ci-local copies the work tree with it), git, shellcheck, jq (opentofu's jobs) (Debian packages)
#   - chromium (Debian package) for the catalog site's browser tests (playwright-core drives it)
#   - buildah, skopeo, docker-registry and busybox-static (Debian packages): image-build's scenarios
#     build real images without a daemon, push them to a registry on 127.0.0.1 and read them back;
#     busybox-static is the base image's only file (nothing can be pulled from the internet); the
#     same busybox-static for the other CPU (.tools/busybox-arm64 on amd64) for the multi-platform ones
#   - checkov and cfn-lint at pinned versions in a second virtualenv (.tools/iac-venv): iac-scan's
#     scenarios run them, and their pins must not move moto's
#   - OpenTofu at a pinned release, built from the Go module proxy into .tools/bin/tofu (a few
#     minutes on two cores, once: the binary is kept and only rebuilt when the pin changes)
#   - BuildKit (buildctl, buildkitd) at a pinned release, built the same way into .tools/bin, and
#     runc (Debian package) for its RUN steps: image-build's `builder: buildkit` scenarios
# When something cannot be installed (not root, no apt-get, no network) it prints exactly
# what is missing and how to install it, and exits non-zero.
set -euo pipefail

MOTO_VERSION="5.2.5"
AWSCLI_VERSION="1.46.3"
CHECKOV_VERSION="3.3.30"
CFN_LINT_VERSION="1.58.0"
OPENTOFU_VERSION="1.10.10"
BUILDKIT_VERSION="0.34.2"
# cdk-deploy's scenarios: the CLI a consumer's image would have (pinned 2.x: npm's newest major
# may refuse aws-cdk-lib's assembly), the library the test apps import, and the SSM client the
# bootstrap check loads, all in .tools/cdk (the jobs get its node_modules/.bin on PATH and
# node_modules as NODE_PATH, like a global install in an image).
CDK_PACKAGES="aws-cdk@2.1148.1 aws-cdk-lib@2.276.0 constructs@10.8.1 @aws-sdk/client-ssm@3.1169.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
stamp="$venv/.versions"
want="moto[server]==$MOTO_VERSION awscli==$AWSCLI_VERSION"
missing=()

apt_updated=0
apt_install() {
  local pkg="$1"
  if [[ "$(id -u)" != "0" ]] || ! command -v apt-get >/dev/null 2>&1; then
    return 1
  fi
  if [[ "$apt_updated" == "0" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || return 1
    apt_updated=1
  fi
  echo "setup-tools: installing $pkg (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1
}

for tool in git rsync shellcheck jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    apt_install "$tool" || missing+=("$tool: install it with your package manager (Debian: sudo apt-get install $tool)")
  fi
done

# Debian package -> the file it installs.
for pair in runc:/usr/sbin/runc buildah:/usr/bin/buildah skopeo:/usr/bin/skopeo docker-registry:/usr/bin/docker-registry busybox-static:/bin/busybox; do
  if [[ ! -x "${pair#*:}" ]]; then
    apt_install "${pair%%:*}" || missing+=("${pair%%:*} (${pair#*:}): image-build's scenarios need it (Debian: sudo apt-get install ${pair%%:*})")
  fi
done

# image-build's multi-platform scenarios: Debian's busybox-static for the other CPU (arm64 on an
# amd64 host, else amd64), at the version of the host's own, from the Debian mirror through apt
# (signed indexes). It is only copied into an image, never run.
foreign_arch="$( [[ "$(dpkg --print-architecture 2>/dev/null)" == arm64 ]] && echo amd64 || echo arm64)"
foreign_busybox="$root/.tools/busybox-$foreign_arch/busybox"
if [[ ! -x "$foreign_busybox" ]]; then
  bb_version="$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || true)"
  bb_tmp="$(mktemp -d)"
  if [[ -n "$bb_version" && "$(id -u)" == "0" ]] &&
    { dpkg --print-foreign-architectures | grep -qx "$foreign_arch" || { dpkg --add-architecture "$foreign_arch" && apt_updated=0; }; } &&
    { [[ "$apt_updated" == "1" ]] || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 && apt_updated=1; }; } &&
    (cd "$bb_tmp" && apt-get download -qq "busybox-static:$foreign_arch=$bb_version" >/dev/null 2>&1) &&
    dpkg-deb -x "$bb_tmp"/busybox-static_*.deb "$bb_tmp/x" && mkdir -p "${foreign_busybox%/*}" &&
    cp "$bb_tmp/x/bin/busybox" "$foreign_busybox.tmp" && mv "$foreign_busybox.tmp" "$foreign_busybox"; then
    echo "setup-tools: fetched busybox-static:$foreign_arch $bb_version into .tools/busybox-$foreign_arch" >&2
  else
    missing+=("busybox-static for $foreign_arch at $foreign_busybox: image-build's multi-platform scenarios copy it into a base image (as root: dpkg --add-architecture $foreign_arch && apt-get update && apt-get download busybox-static:$foreign_arch=<the version of busybox-static installed>, then dpkg-deb -x it and copy bin/busybox there)")
  fi
  rm -rf "$bb_tmp"
fi

if [[ ! -x /usr/bin/chromium ]]; then
  apt_install chromium || missing+=("chromium at /usr/bin/chromium: the catalog site's browser tests drive it (Debian: sudo apt-get install chromium)")
fi

if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" || ! -x "$venv/bin/moto_server" || ! -x "$venv/bin/aws" ]]; then
  python="$(command -v python3 || true)"
  if [[ -z "$python" ]] && apt_install python3; then python="$(command -v python3 || true)"; fi
  # Debian ships venv (ensurepip) separately from python3.
  if [[ -n "$python" ]] && ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    apt_install python3-venv || true
  fi
  if [[ -z "$python" ]]; then
    missing+=("python3 (>= 3.9) with venv: needed for moto and awscli (Debian: sudo apt-get install python3 python3-venv)")
  else
    echo "setup-tools: installing $want into .tools/venv" >&2
    if { [[ -x "$venv/bin/pip" ]] || "$python" -m venv "$venv" >/dev/null 2>&1; } &&
      "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" "awscli==$AWSCLI_VERSION" >&2; then
      printf '%s' "$want" >"$stamp.tmp" && mv "$stamp.tmp" "$stamp"
    else
      missing+=("moto[server]==$MOTO_VERSION and awscli==$AWSCLI_VERSION in .tools/venv: run '$python -m venv .tools/venv && .tools/venv/bin/pip install \"moto[server]==$MOTO_VERSION\" awscli==$AWSCLI_VERSION' (needs PyPI access and python3-venv)")
    fi
  fi
fi

iac_venv="$root/.tools/iac-venv"
iac_want="checkov==$CHECKOV_VERSION cfn-lint==$CFN_LINT_VERSION"
if [[ ! -f "$iac_venv/.versions" || "$(cat "$iac_venv/.versions")" != "$iac_want" || ! -x "$iac_venv/bin/checkov" || ! -x "$iac_venv/bin/cfn-lint" ]]; then
  python="$(command -v python3 || true)"
  echo "setup-tools: installing $iac_want into .tools/iac-venv" >&2
  if [[ -n "$python" ]] && { [[ -x "$iac_venv/bin/pip" ]] || "$python" -m venv "$iac_venv" >/dev/null 2>&1; } &&
    "$iac_venv/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION" "cfn-lint==$CFN_LINT_VERSION" >&2; then
    printf '%s' "$iac_want" >"$iac_venv/.versions.tmp" && mv "$iac_venv/.versions.tmp" "$iac_venv/.versions"
  else
    missing+=("checkov==$CHECKOV_VERSION and cfn-lint==$CFN_LINT_VERSION in .tools/iac-venv: run 'python3 -m venv .tools/iac-venv && .tools/iac-venv/bin/pip install checkov==$CHECKOV_VERSION cfn-lint==$CFN_LINT_VERSION' (needs PyPI access and python3-venv)")
  fi
fi

# Go tools at a pinned version, built into .tools/bin inside the downloaded module: OpenTofu's go.mod
# has replace directives and BuildKit's exclude directives, so `go install module@version` refuses
# both. The toolchain a module asks for comes from the module proxy too.
#   go_tool <name> <version> <module> <build function> <binary>...
# The build function runs in the module's folder and writes each <binary> as .tools/bin/<binary>.tmp;
# the binaries are moved in and <name>.version stamped only when all of them built.
tools_bin="$root/.tools/bin"
go_tool() {
  local name="$1" version="$2" module="$3" build="$4" bin built=1 src started
  shift 4
  for bin in "$@"; do [[ -x "$tools_bin/$bin" ]] || built=0; done
  [[ "$built" == 1 && "$(cat "$tools_bin/$name.version" 2>/dev/null)" == "$version" ]] && return 0
  if ! command -v go >/dev/null 2>&1; then
    missing+=("go: $* ($module $version) are built from the Go module proxy into .tools/bin (install Go from https://go.dev/dl, or put $* $version there and the version in .tools/bin/$name.version)")
    return 0
  fi
  echo "setup-tools: building $* ($module $version) from the Go module proxy into .tools/bin (minutes, once)" >&2
  started=$SECONDS
  mkdir -p "$tools_bin"
  if src="$(cd "$tools_bin" && go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" &&
    [[ -d "$src" ]] && (cd "$src" && "$build") >&2; then
    for bin in "$@"; do mv "$tools_bin/$bin.tmp" "$tools_bin/$bin"; done
    printf '%s' "$version" >"$tools_bin/$name.version"
    echo "setup-tools: $* $version built in $((SECONDS - started)) s" >&2
  else
    for bin in "$@"; do rm -f "$tools_bin/$bin.tmp"; done
    missing+=("$* $version in .tools/bin: building $module@v$version failed (needs the Go module proxy; the output is above)")
  fi
}
build_tofu() {
  CGO_ENABLED=0 go build -trimpath -ldflags='-s -w -X github.com/opentofu/opentofu/version.dev=no' -o "$tools_bin/tofu.tmp" ./cmd/tofu
}
build_buildkit() {
  go build -o "$tools_bin/buildctl.tmp" ./cmd/buildctl && go build -o "$tools_bin/buildkitd.tmp" ./cmd/buildkitd
}
go_tool tofu "$OPENTOFU_VERSION" github.com/opentofu/opentofu build_tofu tofu
go_tool buildkit "$BUILDKIT_VERSION" github.com/moby/buildkit build_buildkit buildctl buildkitd

cdk_dir="$root/.tools/cdk"
if [[ ! -f "$cdk_dir/.versions" || "$(cat "$cdk_dir/.versions")" != "$CDK_PACKAGES" || ! -x "$cdk_dir/node_modules/.bin/cdk" ]]; then
  echo "setup-tools: installing $CDK_PACKAGES into .tools/cdk" >&2
  mkdir -p "$cdk_dir"
  # shellcheck disable=SC2086 # the list is words on purpose
  if (cd "$cdk_dir" && npm install --prefix="$cdk_dir" --no-audit --no-fund --no-save --loglevel=error $CDK_PACKAGES >&2); then
    printf '%s' "$CDK_PACKAGES" > "$cdk_dir/.versions.tmp" && mv "$cdk_dir/.versions.tmp" "$cdk_dir/.versions"
  else
    missing+=("$CDK_PACKAGES in .tools/cdk: run 'npm install --prefix=.tools/cdk $CDK_PACKAGES' (needs the npm registry)")
  fi
fi

if ((${#missing[@]})); then
  echo "setup-tools: the end-to-end scenarios cannot run; missing:" >&2
  for m in "${missing[@]}"; do echo "  - $m" >&2; done
  exit 1
fi
