#!/usr/bin/env bash
# Create .venv with trainguard installed (editable) and its test tools.
# torch is installed first from its pin: a bare "torch" can pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c constraints.txt "torch==2.13.0"
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[test]"

# The report test renders report.html in headless Chromium (through Playwright, with the system
# browser: no 'playwright install' download). Install it when missing and apt-get is usable.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="skip"; fi
    if [ "$SUDO" != "skip" ]; then
        $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null \
            || echo "setup: could not install chromium; the browser test of the report will be skipped" >&2
    else
        echo "setup: chromium is missing and apt-get needs root; run 'sudo apt-get install -y chromium'" \
             "or the browser test of the report will be skipped" >&2
    fi
fi
