#!/usr/bin/env bash
# Makes sure Ryu 4.34 (the last release, whose ofctl_rest is the REST shape ofcontroller
# --rest follows; os-ken does not ship ofctl_rest) is installed in a venv, creating it
# if missing. Ryu 4.34 needs Python <= 3.9, setuptools < 58 and eventlet 0.30.2.
# Prints the venv's ryu-manager on stdout; progress goes to stderr.
#
# Usage: Tests/Interop/ryu-venv.sh [VENV]   (default /opt/ryu-venv, or $RYU_VENV)
# Needs a Python 3.9 (python3.9 on the PATH, or pyenv's) and PyPI the first time.
set -euo pipefail

venv=${1:-${RYU_VENV:-/opt/ryu-venv}}
manager=$venv/bin/ryu-manager

if [ -x "$manager" ] && "$venv/bin/python" -c 'import ryu.app.ofctl_rest' 2>/dev/null; then
    echo "$manager"
    exit 0
fi
# The first Python 3.9 that runs: pyenv's shim on the PATH may name a version that is
# not selected, so each candidate is tried.
python39=
for candidate in "$(command -v python3.9 || true)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.9.*/bin/python; do
    if [ -x "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 9))' 2>/dev/null; then
        python39=$candidate
        break
    fi
done
if [ -z "$python39" ]; then
    echo "ryu-venv: no Python 3.9 found" >&2
    exit 1
fi
echo "ryu-venv: installing Ryu 4.34 into $venv with $python39" >&2
[ -x "$venv/bin/python" ] || "$python39" -m venv "$venv" >&2
"$venv/bin/pip" install -q 'setuptools<58' wheel >&2
"$venv/bin/pip" install -q 'eventlet==0.30.2' ryu==4.34 >&2
"$venv/bin/python" -c 'import ryu.app.ofctl_rest' >&2
echo "$manager"
