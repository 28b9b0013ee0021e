#!/usr/bin/env bash
# Installs the tools the tests drive for real, where missing: redis-server and rabbitmq-server (event suites,
# each test starting a private server), and Debian's
# pytest-benchmark and Locust (the ingest example; their `pytest-3` and `locust` commands use Debian's Python
# whatever python3 comes first on PATH), and Debian's chromium (the HTML report's browser test opens the page
# headless). Runs before `npm test`; does nothing when everything is there.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
{ command -v pytest-3 >/dev/null 2>&1 && /usr/bin/python3 -c 'import pytest_benchmark' >/dev/null 2>&1; } ||
  missing+=(python3-pytest-benchmark)
command -v locust >/dev/null 2>&1 || missing+=(python3-locust)
# The amqp tests start a private RabbitMQ broker of their own.
command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
# The HTML report's browser test renders the page in headless Chromium.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ "${#missing[@]}" -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "installing test tools: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "the tests need: ${missing[*]} (Debian packages); install them, e.g. sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
