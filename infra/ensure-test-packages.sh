#!/usr/bin/env bash
# Called by `make test`: in CI (CI=true, root, apt-get present) install the Debian packages the
# real-component tests use; elsewhere only say which are there. Never fails the build: a test
# whose program is missing prints SKIP with the reason.
#   prometheus              the Prometheus client test and the Alertmanager end-to-end test
#   prometheus-alertmanager the Alertmanager -> POST /alerts end-to-end test
#   chromium                the dashboard's browser test (driven by playwright-core, never a download)
#   redis-server            the Redis Streams tests (the API, the player and the watchers on the bus)
# The tests start their own servers on free loopback ports and stop them by the PID they hold;
# nothing here stops a process, so a user's own services are never touched.
set -u
# command the test looks for, Debian package that provides it
wanted=(
  "prometheus prometheus"
  "prometheus-alertmanager prometheus-alertmanager"
  "chromium chromium"
  "redis-server redis-server"
)
missing=()
for pair in "${wanted[@]}"; do
  read -r command package <<<"$pair"
  if command -v "$command" >/dev/null 2>&1; then
    echo "$package: $(command -v "$command") present"
  else
    missing+=("$package")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's ${missing[*]} for the real-component tests"
  # Debian's policy-rc.d convention (exit 101: "action forbidden") keeps the packages'
  # maintainer scripts from starting system services during the install. An existing
  # policy file is the machine's own and is left as it is.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    # Removed however the script ends: left behind, it would keep every service on the machine from starting.
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=true
  fi
  timeout 300 apt-get update -qq >/dev/null 2>&1 || echo "apt-get update failed; trying the install with the lists at hand"
  # One package at a time, so one that cannot be had does not keep the others out.
  for package in "${missing[@]}"; do
    if DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; then
      echo "$package: installed"
    else
      echo "$package: could not install it; its tests will say SKIP"
    fi
  done
  if [ "$own_policy" = true ]; then rm -f "$policy"; fi
else
  echo "not installed (and not CI as root): ${missing[*]}; their tests will say SKIP"
fi
exit 0
