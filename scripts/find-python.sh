#!/usr/bin/env bash
# Print a working Python 3.10 interpreter (Rasa 3.6 supports < 3.11).
set -u
for candidate in python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10 \
    "$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 \
    "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do
  if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
echo "Python 3.10 não encontrado: instale python3.10 (Rasa 3.6 exige Python < 3.11)." >&2
exit 1
