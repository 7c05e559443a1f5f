#!/usr/bin/env bash
# Refreshes the screenshots of the web workbench in docs/ (made by the browser test).
set -euo pipefail
cd "$(dirname "$0")/.."
CBA_REQUIRE_BROWSER=1 CBA_SCREENSHOTS="$PWD/docs" cargo test --test browser -- --nocapture
ls -l docs/*.png
