#!/usr/bin/env bash
# Called by `make test`: in CI (CI=true, root, apt-get present) install Debian's prometheus so
# the real-client test can run; elsewhere only say whether it is there. Never fails the build.
set -u
if command -v prometheus >/dev/null 2>&1; then
  echo "prometheus: $(command -v prometheus) present; the Prometheus client test will run"
  exit 0
fi
if [ "${CI:-}" = "true" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "prometheus: installing Debian's package for the real-client test"
  if timeout 300 apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1; then
    # The package starts a system service on some machines; the test runs its own instance.
    (pkill -x prometheus || true) >/dev/null 2>&1
    echo "prometheus: installed $(prometheus --version 2>&1 | head -1)"
  else
    echo "prometheus: could not install it; the Prometheus client test will be skipped"
  fi
else
  echo "prometheus: not installed (and not CI as root); the Prometheus client test will be skipped"
fi
exit 0
