#!/usr/bin/env bash
# Runs the Pulumi program tests (test/programs/, pytest under Pulumi's mock runtime with the
# real SDKs) in the cached virtualenv from setup-venv.sh.
#   tools/python/run-tests.sh [JUNIT_XML] [extra pytest args...]
# Writes a JUnit XML report to JUNIT_XML when given; exits with pytest's status.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
junit="${1:-}"
[[ $# -gt 0 ]] && shift

venv="$(bash "$here/setup-venv.sh")"
args=(-q -p no:cacheprovider --rootdir "$repo/test/programs" -o junit_family=xunit2)
[[ -n "$junit" ]] && args+=("--junitxml=$junit")

cd "$repo"
# No __pycache__ inside compositions/*/programs/: those folders are shipped as ProgramSource
# tarballs, whose digest must change only when the program does.
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest "${args[@]}" test/programs "$@"
