#!/usr/bin/env bash
# Runs one cmocka test binary and translates its TAP output into the
# project's result lines: "PASS: host[<variant>] <test>" / "FAIL: ...", one
# per cmocka test. A binary that dies early (a sanitizer abort, a signal, a
# timeout) gets a FAIL line for itself and for every test it did not report.
# Usage: run-cmocka.sh VARIANT BINARY [TIMEOUT_SECONDS]
set -u
variant=$1 bin=$2 limit=${3:-120}
name=$(basename "$bin")
log="$bin.log"
if [ ! -x "$bin" ]; then
  echo "FAIL: host[$variant] $name (not built)"
  exit 1
fi
start=$SECONDS
CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 5 "$limit" "$bin" > "$log" 2>&1
rc=$?
secs=$((SECONDS - start))
planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -1)
reported=0 failed=0
while IFS= read -r line; do
  case "$line" in
    "ok "*)     echo "PASS: host[$variant] ${line#ok * - }"; reported=$((reported + 1)) ;;
    "not ok "*) echo "FAIL: host[$variant] ${line#not ok * - }"; reported=$((reported + 1)); failed=$((failed + 1)) ;;
  esac
done < <(grep -E '^(not )?ok [0-9]+ - ' "$log")
problem=""
if [ -z "$planned" ]; then
  problem="no test plan"
elif [ "$reported" -lt "$planned" ]; then
  problem="stopped after $reported of $planned tests"
fi
[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && problem="${problem:+$problem, }timed out after ${limit}s"
if [ -n "$problem" ] || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  echo "FAIL: host[$variant] $name (exit $rc${problem:+, $problem})"
  failed=$((failed + 1))
fi
if [ "$failed" -gt 0 ]; then
  echo "--- host[$variant] $name output (last 40 lines of $log):"
  tail -n 40 "$log" | sed 's/^/  | /'
fi
grep -E '^# (host tests: seed|map_random|paging_ops_keep)' "$log" | sed "s/^# /  host[$variant] $name: /" | head -2
echo "  host[$variant] $name: $reported tests, $failed failed, ${secs}s"
[ "$failed" -eq 0 ]
