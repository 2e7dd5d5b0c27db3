#!/usr/bin/env bash
# The release walk of README "Registry, promotion and rollback", end to end, in a throwaway git
# repository (the registry branch is never written into this checkout):
#   eval -> gate -> promote dev -> promote staging -> change retrieval -> eval -> gate ->
#   promote dev -> rollback dev -> registry show.
# Usage: demo/release-walk.sh [path/to/llmops]   (run by `make demo`)
set -euo pipefail
llmops=$(realpath "${1:-.venv/bin/llmops}")
walk=$(mktemp -d)
trap 'rm -rf "$walk"' EXIT
step() { printf '\n$ llmops%s\n' "$(printf ' %q' "$@")"; "$llmops" "$@"; }

"$llmops" init "$walk/bot" >/dev/null
cd "$walk/bot"
git init -q
git add -A
git -c user.name=demo -c user.email=demo@example.com commit -qm "sample project"

step eval support-bot --no-track
step gate support-bot
step promote support-bot --to dev --reason "first release"
step promote support-bot --to staging

# A change: retrieve 4 chunks instead of 3 (a new retrieval version, so a new pipeline version).
sed -i 's/^version: 1.0.0/version: 1.1.0/; s/^top_k: 3/top_k: 4/' manifests/retrieval/support-kb.yaml
sed -i 's/^version: 1.0.0/version: 1.1.0/; s/support-kb@1.0.0/support-kb@1.1.0/' \
  manifests/pipelines/support-bot.yaml
step eval support-bot --no-track
step gate support-bot
step promote support-bot --to dev --reason "top_k 3 -> 4"
step rollback support-bot --stage dev --reason "demo: back to 1.0.0"
step registry show support-bot
