#!/usr/bin/env bash
# `make run` as a newcomer runs it (the README's first command): it must migrate, seed the demo
# trust, print its sign-in names and serve the sign-in page on 127.0.0.1:8000. Stops the server
# it started (its own process group) whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
url=http://127.0.0.1:8000/accounts/login/
if curl -s -o /dev/null "$url"; then
  echo "Something already answers on 127.0.0.1:8000: stop it first" >&2
  exit 1
fi
log=$(mktemp)
setsid make run >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  if page=$(curl -fsS "$url" 2>/dev/null); then
    grep -q 'name="password"' <<<"$page" || { echo "The sign-in page has no password field" >&2; exit 1; }
    grep -q "member.willow" "$log" || { cat "$log"; echo "make run did not print the demo sign-in names" >&2; exit 1; }
    echo "make run migrated, seeded the demo trust and serves the sign-in page at $url"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log"
    echo "make run stopped before it served the sign-in page" >&2
    exit 1
  fi
  sleep 1
done
cat "$log"
echo "make run did not serve the sign-in page within 10 minutes" >&2
exit 1
