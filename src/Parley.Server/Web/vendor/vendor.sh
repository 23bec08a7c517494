#!/usr/bin/env bash
# Reproduces the vendored browser libraries of the web chat from package-lock.json (pinned versions and hashes):
# installs them with `npm ci` in a temp folder and copies the browser builds and their licences next to this script.
# Run it after changing a version in package.json (then `npm install --package-lock-only` updates the lock file).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error --omit=optional)
cp "$work/node_modules/marked/lib/marked.umd.js" "$here/marked.umd.js"
cp "$work/node_modules/marked/LICENSE" "$here/marked.LICENSE.txt"
cp "$work/node_modules/dompurify/dist/purify.min.js" "$here/purify.min.js"
cp "$work/node_modules/dompurify/LICENSE" "$here/dompurify.LICENSE.txt"
echo "vendored: marked $(node -p "require('$work/node_modules/marked/package.json').version"), dompurify $(node -p "require('$work/node_modules/dompurify/package.json').version")"
