#!/usr/bin/env bash
# Local GGUF model: in-process (`parley -m gguf:FILE`, one process per request: load + prompt + answer) beside the
# same model behind `parley serve` on loopback (loaded once; requests over HTTP from `parley`). Not part of run.sh:
# `bash bench/gguf.sh` prints a Markdown table for BENCHMARKS.md. RUNS (default 5) requests each, up to 200 tokens out.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
dotnet build "$root/tests/Parley.TestServer" -c Release -v q -nologo >/dev/null
dotnet build "$root/src/Parley.Cli" -c Release -v q -nologo >/dev/null
parley="$root/src/Parley.Cli/bin/Release/net10.0/Parley.Cli"
work=$(mktemp -d)
serve=""
cleanup() { [ -n "$serve" ] && kill "$serve" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export PARLEY_HOME="$work/home"
mkdir -p "$PARLEY_HOME"
model="$work/bench.gguf"
dotnet "$root/tests/Parley.TestServer/bin/Release/net10.0/Parley.TestServer.dll" write-gguf "$model" 2048 256 4 >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
cat > "$PARLEY_HOME/config.json" <<JSON
{ "gguf": { "bench": { "path": "$model" } },
  "providers": { "gateway": { "kind": "openai-compatible", "base_url": "http://127.0.0.1:$port/v1" } } }
JSON
prompt="Summarize the following in one sentence: the quick brown fox jumps over the lazy dog while the cat watches from the window, and the farmer counts his sheep before the rain comes down over the hills and the river."
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# $1: model; prints "wall_ms gen_tok_s prompt_tok_s load" per run from the -u line.
measure() {
  for _ in $(seq "$runs"); do
    local start end line
    start=$(ms)
    line=$("$parley" -m "$1" --no-log -u --max-tokens 200 --temperature 0 "$prompt" 2>&1 >/dev/null | grep '^Tokens:')
    end=$(ms)
    echo "$1: $line" >&2
    local request speed
    request=$(grep -oP '· \K[0-9.]+ m?s(?=( ·|$))' <<<"$line" | head -1 | awk '{print ($2 == "s") ? $1 * 1000 : $1}')
    speed=$(grep -oP '· \K[0-9]+(?= tok/s)' <<<"$line" | head -1 || true)
    echo "$(( end - start )) $request ${speed:--} $(grep -oP 'prompt \K[0-9]+(?= tok/s)' <<<"$line" || echo -) $(grep -oP 'load \K[0-9.]+ m?s' <<<"$line" | awk '{print ($2 == "s") ? $1 * 1000 : $1}')"
  done
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

"$parley" -m gguf:bench --no-log --max-tokens 4 hi >/dev/null 2>&1 # warm the file cache
inproc=$(measure gguf:bench)
"$parley" serve --no-auth --port "$port" >"$work/serve.log" 2>&1 &
serve=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v1/models" >/dev/null 2>&1 && break; sleep 0.1; done
"$parley" -m gateway:gguf:bench --no-log --max-tokens 4 hi >/dev/null 2>&1 # the server loads the model once
served=$(measure gateway:gguf:bench)

echo "| path | requests | process wall time (median) | request time, \`-u\` (median) | generation tok/s (median) | prompt tok/s (median) | load |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
echo "| in-process \`parley -m gguf:FILE\` (a new process each time) | $runs | $(cut -d' ' -f1 <<<"$inproc" | median) ms | $(cut -d' ' -f2 <<<"$inproc" | median) ms | $(cut -d' ' -f3 <<<"$inproc" | median) | $(cut -d' ' -f4 <<<"$inproc" | median) | $(cut -d' ' -f5 <<<"$inproc" | median) ms (median), every run |"
echo "| behind \`parley serve\` on loopback (model loaded once) | $runs | $(cut -d' ' -f1 <<<"$served" | median) ms | $(cut -d' ' -f2 <<<"$served" | median) ms | not shown (the client shows a speed only over 250 ms of output) | - | once, before the runs |"
echo
echo "model: $(du -h "$model" | cut -f1) (256 wide, 4 blocks, f32, context 2048); $(nproc) cores; $(date -u +%Y-%m-%d)"
