#!/usr/bin/env bash
# Creates (once) the seed's Python environment for bench/src/seed-child.py: drift-spark
# from PyPI with pandas and psycopg2, and the shared venv's pyspark through a .pth file.
# Prints the python path. Idempotent and cached under .ci-cache/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.ci-cache/venv-seed"
requirements="$root/bench/src/seed-requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
# The shared venv's site-packages by its real path: .ci-cache is a symlink shared by
# worktrees, so a path through one worktree breaks when that worktree is removed.
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if [ ! -d "$(cat "$site/drift-shared-venv.pth" 2>/dev/null)" ]; then
  shared="$(bash "$root/scripts/python-env.sh")"
  "$shared" -c 'import os, sysconfig; print(os.path.realpath(sysconfig.get_paths()["purelib"]))' \
    > "$site/drift-shared-venv.pth"
fi
echo "$venv/bin/python"
