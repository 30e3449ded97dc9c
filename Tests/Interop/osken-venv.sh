#!/usr/bin/env bash
# Makes sure os-ken (the Python OpenFlow controller the interop tests and the cbench
# runner use as a peer) is importable from a venv, creating it if missing:
#   python3 -m venv VENV && VENV/bin/pip install os-ken
# Prints the venv's python on stdout; progress goes to stderr.
#
# Usage: Tests/Interop/osken-venv.sh [VENV]   (default /opt/osken-venv, or $OSKEN_VENV)
# Needs python3 with the venv module (Debian: python3-venv) and access to PyPI the
# first time.
set -euo pipefail

venv=${1:-${OSKEN_VENV:-/opt/osken-venv}}
python=$venv/bin/python

if [ -x "$python" ] && "$python" -c 'import os_ken' 2>/dev/null; then
    echo "$python"
    exit 0
fi
echo "osken-venv: installing os-ken into $venv" >&2
[ -x "$python" ] || python3 -m venv "$venv" >&2
"$venv/bin/pip" install -q os-ken >&2
"$python" -c 'import os_ken' >&2
echo "$python"
