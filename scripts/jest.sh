#!/usr/bin/env bash
# Jest as `npm test` runs it. With no arguments: the unit tests, then the integration tests in two shards, each in a
# fresh process (one long-lived process ran out of its heap after ~90 files) and one file at a time (the suites share
# the test topologies). Every part runs even when an earlier one fails; the exit code is the first failure's.
# `unit` or `integration` as the only argument: that part alone (npm run test:unit / test:integration).
# Other arguments (test paths, jest flags): one jest run with them.
# --forceExit: a handle a failed test left open (a socket, a timer) must not keep the run alive after its results
# are printed; tests that check for open handles do so themselves. Each part is also capped (PART_TIMEOUT seconds,
# default 1200) so nothing can hold CI past its limit.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JEST=(node --max-old-space-size=6144 --experimental-vm-modules --no-warnings node_modules/jest/bin/jest.js --runInBand --forceExit)
UNIT=("test/unit")
INTEGRATION=("--shard=1/2 test/integration" "--shard=2/2 test/integration")
case "$*" in
  "") parts=("${UNIT[@]}" "${INTEGRATION[@]}") ;;
  unit) parts=("${UNIT[@]}") ;;
  integration) parts=("${INTEGRATION[@]}") ;;
  *) exec "${JEST[@]}" "$@" ;;
esac
status=0
for part in "${parts[@]}"; do
  # shellcheck disable=SC2086 # the part is a flag and a path
  timeout --kill-after=15 "${PART_TIMEOUT:-1200}" "${JEST[@]}" $part
  code=$?
  if [ "$code" -eq 124 ]; then echo "[jest] '$part' did not finish within ${PART_TIMEOUT:-1200} s: stopped" >&2; fi
  if [ "$code" -ne 0 ] && [ "$status" -eq 0 ]; then status=$code; fi
done
exit "$status"
