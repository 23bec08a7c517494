#!/usr/bin/env bash
# Parley's benchmarks: one command that builds what it needs, installs the Node peers (pinned, into a temporary
# folder, with npm ci), runs every benchmark and rewrites BENCHMARKS.md.
#
#   bash bench/run.sh            full run (a few minutes; the first run also publishes the ReadyToRun and NativeAOT builds)
#   bash bench/run.sh --smoke    tiny sizes, Debug builds: checks that every peer produces a number (the CI test runs this)
#   bash bench/run.sh --only gateway   the gateway section alone (about 5 min), spliced into the existing BENCHMARKS.md
#   bash bench/run.sh --only replicas  replicas on PostgreSQL alone (about 4 min; framework-dependent build), spliced in too
#   bash bench/run.sh --only gateway-conversation   the gateway's 1,000-message conversation row alone (framework-dependent
#                                build, about 1 min after its publish): printed and written to the JSON, BENCHMARKS.md untouched
#
# The gateway and replicas sections need wrk (Debian: apt-get install wrk); replicas needs PostgreSQL (apt-get install postgresql).
# Options: --out FILE (Markdown; default BENCHMARKS.md, or bench/artifacts/smoke/BENCHMARKS.md with --smoke)
#          --json FILE (flat metrics; default bench/artifacts/results.json, or bench/artifacts/smoke/results.json)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

smoke=0
only=""
out=""
json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --only) only="$2"; shift
      [ "$only" = gateway ] || [ "$only" = replicas ] || [ "$only" = gateway-conversation ] || { echo "bench: --only accepts: gateway, replicas, gateway-conversation" >&2; exit 2; } ;;
    --out) out="$2"; shift ;;
    --json) json="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | cut -c3-; exit 0 ;;
    *) echo "bench: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for tool in dotnet node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench: '$tool' is not on PATH. The benchmarks need the .NET SDK, Node.js 20+ and npm (the Node peers are installed from the npm registry)." >&2
    exit 3
  fi
done

if ! command -v wrk >/dev/null 2>&1; then
  echo "bench: 'wrk' is not on PATH: the gateway benchmark needs it (Debian/Ubuntu: apt-get install wrk)" >&2
  exit 3
fi

artifacts="$root/bench/artifacts"
mkdir -p "$artifacts"
if [ "$smoke" = 1 ]; then
  config="${BENCH_CONFIGURATION:-Debug}"
  out="${out:-$artifacts/smoke/BENCHMARKS.md}"
  json="${json:-$artifacts/smoke/results.json}"
  command_text="bash bench/run.sh --smoke"
else
  config="Release"
  out="${out:-$root/BENCHMARKS.md}"
  json="${json:-$artifacts/results.json}"
  command_text="bash bench/run.sh"
fi
if [ "$only" = gateway-conversation ]; then
  out=""  # reported on stderr and in the JSON only: one row is not a section to splice into BENCHMARKS.md
  json="${json/%results.json/gateway-conversation.json}"
fi
[ -n "$only" ] && command_text="$command_text --only $only"
mkdir -p "$(dirname "$json")"
[ -n "$out" ] && mkdir -p "$(dirname "$out")"
build_flags=(-c "$config" --nologo -v quiet --disable-build-servers -p:UseSharedCompilation=false -nodeReuse:false)

step() { echo "bench: $*" >&2; }

# 1. The Node peers: exact versions from bench/node/package-lock.json, in a temporary folder kept across runs.
lock_hash="$(sha256sum bench/node/package-lock.json | cut -c1-12)"
node_dir="${TMPDIR:-/tmp}/parley-bench-node-$lock_hash"
if [ ! -f "$node_dir/.installed" ]; then
  step "installing the Node peers into $node_dir (npm ci)"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  cp bench/node/package.json bench/node/package-lock.json "$node_dir/"
  if ! (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    echo "bench: npm ci failed: the Node peers (openai, tiktoken, js-tiktoken) could not be installed from the npm registry" >&2
    exit 3
  fi
  touch "$node_dir/.installed"
fi
cp bench/node/*.mjs "$node_dir/"

# 2. The loopback server and the harness.
step "building the loopback server and the harness ($config)"
dotnet build tests/Parley.TestServer "${build_flags[@]}" >&2
dotnet build bench/Parley.Benchmarks "${build_flags[@]}" >&2
server="$root/tests/Parley.TestServer/bin/$config/net10.0/Parley.TestServer.dll"
harness="$root/bench/Parley.Benchmarks/bin/$config/net10.0/Parley.Benchmarks"

# 3. The CLI builds to start.
variants=()
if [ "$smoke" = 1 ]; then
  step "building the CLI ($config)"
  dotnet build src/Parley.Cli "${build_flags[@]}" >&2
  variants+=(--variant "build-$config|$root/src/Parley.Cli/bin/$config/net10.0/Parley.Cli|dotnet build -c $config")
else
  # Published once per state of the sources (NativeAOT takes minutes on two cores); reused while src/ is unchanged.
  src_hash="$( (find src -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha256sum; sha256sum Directory.Build.props Directory.Packages.props global.json) | sha256sum | cut -c1-12)"
  cli="$artifacts/cli/$src_hash"
  publish() { # name, then publish arguments
    local name="$1"; shift
    if [ ! -f "$cli/$name/.done" ]; then
      step "publishing the CLI: $name"
      rm -rf "$cli/$name"
      dotnet publish src/Parley.Cli -c Release --nologo --disable-build-servers -nodeReuse:false -o "$cli/$name" "$@" > "$cli/$name.log" 2>&1 \
        || { cat "$cli/$name.log" >&2; echo "bench: publishing $name failed" >&2; exit 1; }
      touch "$cli/$name/.done"
    fi
  }
  mkdir -p "$cli"
  publish framework-dependent
  # The ReadyToRun build keeps the runtime: the project publishes NativeAOT whenever a runtime identifier is given.
  [ -z "$only" ] && publish ReadyToRun -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:PublishAot=false
  # The shipped build: NativeAOT, the project's own publish settings (warnings are errors; the binary is `parley`).
  # --only replicas and --only gateway-conversation run the framework-dependent build (no NativeAOT publish: minutes on two cores).
  fd_only=0
  [ "$only" = replicas ] || [ "$only" = gateway-conversation ] && fd_only=1
  [ "$fd_only" = 0 ] && publish NativeAOT -r linux-x64
  # The IL compiler's form names the calling method: "warning ILxxxx: Type.Method(…): Using member '…'" (none expected).
  [ "$fd_only" = 0 ] && { grep -Eo "warning IL[0-9]+: [^ ]+\([^)]*\): Using member '[^']*'" "$cli/NativeAOT.log" | sed 's/^warning //' | sort -u > "$cli/NativeAOT.warnings" || true; }
  variants+=(--variant "framework-dependent|$cli/framework-dependent/Parley.Cli|dotnet publish -c Release")
  [ -z "$only" ] && variants+=(--variant "ReadyToRun|$cli/ReadyToRun/Parley.Cli|dotnet publish -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:PublishAot=false")
  if [ "$fd_only" = 0 ]; then
    variants+=(--variant "NativeAOT|$cli/NativeAOT/parley|dotnet publish -c Release -r linux-x64")
    variants+=(--aot-warnings "$cli/NativeAOT.warnings")
  fi
fi

# 4. Run.
step "running the benchmarks"
smoke_flag=()
[ "$smoke" = 1 ] && smoke_flag=(--smoke)
[ -n "$only" ] && smoke_flag+=(--only "$only")
out_flag=()
[ -n "$out" ] && out_flag=(--out "$out")
"$harness" run "${smoke_flag[@]}" --node-dir "$node_dir" --server "$server" "${variants[@]}" \
  "${out_flag[@]}" --json "$json" --command "$command_text"
