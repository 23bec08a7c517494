#!/usr/bin/env bash
# Reproduces the run in docs/local-and-hosted.md: one loopback test server plays both backends — an
# OpenAI-compatible API on /v1 (scripted answer and delays) and Ollama's native API on /api (a recorded gemma3:1b
# answer from shared/fixtures/4_ollama, replayed with its real eval counts and durations).
# Usage: docs/local-and-hosted-demo.sh   (after `dotnet build`; needs python3 and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures="${PARLEY_FIXTURES:-}"
for up in .. ../.. ../../..; do
  [ -z "$fixtures" ] && [ -d "$up/shared/fixtures" ] && fixtures="$up/shared/fixtures"
done
recorded="$fixtures/4_ollama/lcgo_ollama_api_chat_gemma3-1b_stream_chunked_raw_http.response.ndjson"
server_dll=tests/Parley.TestServer/bin/Debug/net10.0/Parley.TestServer.dll
parley=(dotnet src/Parley.Cli/bin/Debug/net10.0/Parley.Cli.dll)

out="$(mktemp -d)"
dotnet "$server_dll" --ignore-stdin >"$out/server.out" 2>"$out/server.err" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 50); do [ -s "$out/server.out" ] && break; sleep 0.2; done
url="$(head -1 "$out/server.out")"

# Three runs, one model after the other: the queue is served in request order (hosted, local, hosted, local, ...).
python3 - "$recorded" >"$out/queue.json" <<'PY'
import json, sys
ndjson = open(sys.argv[1], encoding="utf-8").read()
hosted = {"type": "text", "content": "1, 2, 3, 4, 5", "chunks": ["1", ",", " 2", ",", " 3", ",", " 4", ",", " 5"],
          "prompt_tokens": 13, "completion_tokens": 9, "delay_ms": 420, "chunk_delay_ms": 18}
local = {"type": "raw", "status": 200, "content_type": "application/x-ndjson", "body": ndjson,
         "delay_ms": 60, "chunk_delay_ms": 5}
print(json.dumps([hosted, local] * 3))
PY
curl -sf -X POST "${url}_loopback/enqueue" --data-binary @"$out/queue.json" >/dev/null

export PARLEY_HOME="$out/home" OPENAI_BASE_URL="${url}v1" OPENAI_API_KEY=sk-loopback-demo OLLAMA_HOST="${url%/}"
echo "\$ parley compare --sequential --runs 3 --table --chart docs/local-and-hosted.png -m gpt-4o-mini -m ollama:gemma3:1b \"Count from 1 to 5\""
"${parley[@]}" compare --sequential --runs 3 --table --chart docs/local-and-hosted.png -m gpt-4o-mini -m ollama:gemma3:1b "Count from 1 to 5"

curl -sf -X POST "${url}_loopback/enqueue" --data-binary @"$out/queue.json" >/dev/null
echo
echo "\$ parley compare --sequential --runs 3 --json -m gpt-4o-mini -m ollama:gemma3:1b \"Count from 1 to 5\""
"${parley[@]}" compare --sequential --runs 3 --json -m gpt-4o-mini -m ollama:gemma3:1b "Count from 1 to 5"
