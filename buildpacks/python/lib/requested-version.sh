#!/usr/bin/env bash
# Prints the Python version the app asks for and where: "3.12 .python-version",
# "3.11.2 runtime.txt", or nothing when it asks for none. Usage: requested-version.sh BUILD_DIR
set -euo pipefail
dir="$1"
if [ -f "$dir/.python-version" ]; then
  # The first line that is not a comment (pyenv's format), e.g. "3.12" or "3.12.4".
  version="$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$dir/.python-version" | grep -v '^$' | head -n 1 || true)"
  [ -n "$version" ] && echo "$version .python-version"
elif [ -f "$dir/runtime.txt" ]; then
  # Heroku's format: "python-3.12.4".
  version="$(tr -d '[:space:]' < "$dir/runtime.txt")"
  echo "${version#python-} runtime.txt"
fi
