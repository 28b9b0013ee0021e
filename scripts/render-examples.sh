#!/usr/bin/env bash
# Renders the README's examples of the PR comment and the HTML report from a real run: three main-branch runs
# of the spin fixture build a baseline and its history, then a pull request that makes one benchmark 30%
# slower is judged against them. Writes docs/examples/{comment.md,report.html,report.png}.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp __tests__/fixtures/spin/* "$work/"
cli="node $PWD/dist/cli.js"
for i in 1 2 3; do
  ( cd "$work" && $cli run --config perf.yml --save-baseline main.json >/dev/null 2>&1 )
done
( cd "$work" && SPIN_FACTOR=1.3 $cli run --config perf.yml --baseline main.json \
    --markdown comment.md --html report.html >/dev/null 2>&1 ) || true
cp "$work/comment.md" "$work/report.html" "$out/"
# The page as a browser draws it (Debian's chromium; the report fetches nothing, so no network is needed).
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1500 \
  --screenshot="$PWD/$out/report.png" "file://$PWD/$out/report.html" >/dev/null 2>&1
echo "wrote $out/comment.md, $out/report.html, $out/report.png"
