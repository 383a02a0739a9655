#!/bin/sh
# tests/check_json.sh: run the JSON contract check (see check_json.py)
cd "$(dirname "$0")/.." && exec python3 tests/check_json.py
