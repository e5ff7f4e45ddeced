#!/usr/bin/env bash
# System packages crmlab's tests need beyond Python (idempotent; several features may add lines).
# Skips cleanly, saying why, when not root or without apt-get.
set -u
need=()
# Java 17+ for PySpark (the `spark` extra; tests/test_engines_spark.py)
java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ -n "$v" ] && [ "$v" -ge 17 ]
}
java_ok || need+=(default-jre-headless)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup_system: nothing to install (java $(java -version 2>&1 | head -1 | sed 's/.*version //'))"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup_system: not root, skipping apt-get install ${need[*]} (Spark tests will be skipped without Java 17+)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup_system: no apt-get, skipping ${need[*]} (install Java 17+ by hand for the Spark tests)"
  exit 0
fi
echo "setup_system: apt-get install ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || echo "setup_system: apt-get install ${need[*]} failed; Spark tests will be skipped"
exit 0
