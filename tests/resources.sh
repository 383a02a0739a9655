#!/bin/sh
# tests/resources.sh: memory bounded by open connections (see check_resources.py)
cd "$(dirname "$0")/.." && exec python3 tests/check_resources.py
