#!/usr/bin/env bash
# Called by `make test`: in CI (CI=true, root, apt-get present) install Debian's prometheus so
# the real-client test can run; elsewhere only say whether it is there. Never fails the build.
# The test starts its own Prometheus on a free loopback port and stops it by the PID it holds;
# nothing here stops a process, so a user's own Prometheus is never touched.
set -u
if command -v prometheus >/dev/null 2>&1; then
  echo "prometheus: $(command -v prometheus) present; the Prometheus client test will run"
  exit 0
fi
if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "prometheus: installing Debian's package for the real-client test"
  # Debian's policy-rc.d convention (exit 101: "action forbidden") keeps the package's
  # maintainer scripts from starting a system service during the install. An existing
  # policy file is the machine's own and is left as it is.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    # Removed however the script ends: left behind, it would keep every service on the machine from starting.
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=true
  fi
  if timeout 300 apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1; then
    echo "prometheus: installed $(prometheus --version 2>&1 | head -1)"
  else
    echo "prometheus: could not install it; the Prometheus client test will be skipped"
  fi
  if [ "$own_policy" = true ]; then rm -f "$policy"; fi
else
  echo "prometheus: not installed (and not CI as root); the Prometheus client test will be skipped"
fi
exit 0
