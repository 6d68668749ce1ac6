#!/usr/bin/env bash
# Creates spark/.venv with the pinned packages of spark/requirements.txt (PySpark, maxminddb)
# and makes sure Java 17 is there; does nothing when both already are, so `make test` pays
# for it once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"

if ! command -v java >/dev/null 2>&1; then
    echo "spark: installing Java 17 (openjdk-17-jre-headless) for PySpark" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        openjdk-17-jre-headless >/dev/null
fi
# Every `name==version` pin already installed: nothing to do.
if [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$here/requirements.txt" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
pins = [line.split("#")[0].strip().split("==") for line in open(sys.argv[1])]
sys.exit(any(version(name) != pinned for name, pinned in (p for p in pins if len(p) == 2)))
PY
    exit 0
fi
python3 -c 'import ensurepip' 2>/dev/null || (apt-get update -qq && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null)
echo "spark: creating $venv from spark/requirements.txt (pip's cache makes later runs fast)" >&2
python3 -m venv --clear "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
