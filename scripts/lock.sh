#!/usr/bin/env bash
# The locks: requirements/run.txt (the console) and requirements/dev.txt (console, tests, linters),
# every package at an exact version with its hashes, resolved from pyproject.toml's ranges.
#
#   scripts/lock.sh            re-resolve after a change to pyproject.toml, keeping every pin
#                              that still fits
#   scripts/lock.sh --upgrade  take the newest versions the ranges allow, then install them in a
#                              throwaway venv and run the linters and the whole suite against them;
#                              the new locks are kept only when all of it passes
#
# Not part of CI: CI installs exactly what the locks say.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" -m venv "$work/tools"
"$work/tools/bin/pip" install -q "pip-tools>=7.4,<8"
compile() {
    "$work/tools/bin/pip-compile" -q --generate-hashes --allow-unsafe --strip-extras \
        --no-emit-find-links --no-emit-index-url --no-emit-trusted-host --no-header \
        "$@" pyproject.toml requirements/build.in
}
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)
cp requirements/run.txt "$work/run.txt" 2>/dev/null || true
cp requirements/dev.txt "$work/dev.txt" 2>/dev/null || true
compile "${upgrade[@]}" -o "$work/run.txt"
compile "${upgrade[@]}" --extra test --extra lint -o "$work/dev.txt"
if [ ${#upgrade[@]} -gt 0 ]; then
    "$py" -m venv "$work/venv"
    "$work/venv/bin/pip" install -q --require-hashes -r "$work/dev.txt"
    "$work/venv/bin/pip" install -q --no-deps --no-build-isolation -e .
    PATH="$work/venv/bin:$PATH" bash scripts/check.sh
    PATH="$work/venv/bin:$PATH" pytest -q -n 2
fi
cp "$work/run.txt" requirements/run.txt
cp "$work/dev.txt" requirements/dev.txt
git diff --stat -- requirements/ || true
