#!/usr/bin/env bash
# The whole test suite, in stages: mocha (unit + integration on the embedded control plane), the
# fault suite (test/faults), and, when present, the pytest suite of the Pulumi programs. Ends with one
# line: "N passed, N failed" summed over the stages. `test/run.sh FILE...` runs only those files.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
status=0

add_counts() { # json file with {passed, failed}
  local p f
  p=$(node -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(c.passed)' "$1")
  f=$(node -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(c.failed)' "$1")
  passed=$((passed + p))
  failed=$((failed + f))
}

# Control-plane processes already running (another test run on this machine) are not ours to judge.
preexisting=$(pgrep -f 'kubify-cp-' | sort || true)

if [[ $# -gt 0 ]]; then
  # Only the files named (any level, fault tests included): one mocha run, no other stage.
  KUBIFY_TEST_COUNTS="$work/mocha.json" npx mocha --config .mocharc.json "$@"
else
  KUBIFY_TEST_COUNTS="$work/mocha.json" npx mocha --config .mocharc.json \
    'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts'
fi
rc=$?
if [[ -f "$work/mocha.json" ]]; then add_counts "$work/mocha.json"; else failed=$((failed + 1)); fi
[[ $rc -ne 0 ]] && status=1

# The fault suite (test/faults/**: operator crashes, control-plane faults, ...): long runs that inject
# faults into real processes. Its own mocha process and stage; its counts join the closing line.
if [[ $# -eq 0 && -n "$(find test/faults -name '*.test.ts' 2>/dev/null | head -1)" ]]; then
  echo
  echo "== fault suite (test/faults; several minutes)"
  KUBIFY_TEST_COUNTS="$work/faults.json" npx mocha --config .mocharc.json 'test/faults/**/*.test.ts'
  rc=$?
  if [[ -f "$work/faults.json" ]]; then add_counts "$work/faults.json"; else failed=$((failed + 1)); fi
  [[ $rc -ne 0 ]] && status=1
fi

if [[ -x tools/python/run-tests.sh && $# -eq 0 ]]; then
  echo
  echo "== Pulumi programs (pytest, mock runtime)"
  if bash tools/python/run-tests.sh "$work/pytest.xml"; then :; else status=1; fi
  if [[ -f "$work/pytest.xml" ]]; then
    node test/support/junit-counts.mjs "$work/pytest.xml" > "$work/pytest.json" && add_counts "$work/pytest.json"
  else
    failed=$((failed + 1))
  fi
fi

leftover=$(comm -13 <(echo "$preexisting") <(pgrep -f 'kubify-cp-' | sort || true) | tr '\n' ' ')
if [[ -n "$leftover" ]]; then
  echo "error: control-plane processes left behind: $leftover" >&2
  failed=$((failed + 1))
  status=1
fi

echo
echo "$passed passed, $failed failed"
[[ $failed -gt 0 ]] && status=1
exit $status
