#!/usr/bin/env bash
# The static checks CI runs before the tests: the layers, lint, format and types.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=""
[ -x .venv/bin/ruff ] && bin=".venv/bin/"
"${bin}lint-imports"
"${bin}ruff" check src tests bench scripts
"${bin}ruff" format --check src tests bench scripts
"${bin}mypy"
