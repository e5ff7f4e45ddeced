#!/usr/bin/env bash
# System packages the course needs beyond Python (called by `make test`; safe to re-run).
#   chromium              Debian's browser for the browser tests (Playwright drives it; its own download is never used)
#   fonts-noto-cjk        Chinese glyphs in the browser (pages, screenshots)
#   npm                   installs the pinned scripts of the course site (tools/site_assets/package-lock.json)
#   default-jre-headless  Java 17+ for PySpark (the `spark` extra; tests/test_engines_spark.py)
# Skips cleanly, saying why, when not root or without apt; the tests that need a package then skip.
set -u
PACKAGES=(chromium fonts-noto-cjk npm)

java_ok() {
    command -v java >/dev/null 2>&1 || return 1
    local v
    v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    [ -n "$v" ] && [ "$v" -ge 17 ]
}

missing=()
for package in "${PACKAGES[@]}"; do
    if [ "$package" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
java_ok || missing+=(default-jre-headless)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup_system: no apt-get here; not installing ${missing[*]} (browser and Spark tests skip without them)"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "setup_system: not root; run 'sudo tools/setup_system.sh' to install ${missing[*]} (browser and Spark tests skip without them)"
    exit 0
fi
echo "setup_system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || { echo "setup_system: apt-get update failed; not installing ${missing[*]}"; exit 0; }
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || echo "setup_system: apt-get install ${missing[*]} failed; the tests that need them will skip"
exit 0
