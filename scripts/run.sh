#!/usr/bin/env bash
# Run the PostFuze server from a fresh checkout: installs dependencies, builds the release binary, then
# `postfuze serve` from the repository root. Arguments are passed to `postfuze serve`.
# Defaults: SQLite database under ./data, listening on 127.0.0.1:8080; a dev API key is printed on first start.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install.sh
bash scripts/build.sh release
exec "$root/build/postfuze" serve "$@"
