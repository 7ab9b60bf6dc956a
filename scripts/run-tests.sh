#!/usr/bin/env bash
# Runs the whole test suite with node's test runner: every dist/test/**/*.test.js, several files
# at once (most tests wait on processes and sockets, not CPU). Extra arguments are passed on, e.g.
#   scripts/run-tests.sh --test-name-pattern=rollback
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$ROOT"
# Node start-up is ~50 ms slower with extra CA certificates; tests that need them set them.
unset NODE_EXTRA_CA_CERTS
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
exec node --enable-source-maps --test --test-concurrency="${BERTH_TEST_CONCURRENCY:-4}" --test-reporter=spec "$@" "${files[@]}"
