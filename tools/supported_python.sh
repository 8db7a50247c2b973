#!/bin/sh
# Print a Python interpreter the book's environment (.venv) installs on
# (3.11 or 3.12: requirements.txt is locked for them), or explain what to do
# and fail.  The framework environments take the Python their entry in
# _config.yml names (pipeline/environments.py).  $PYTHON, if set, is the only one tried.
#   usage: sh tools/supported_python.sh        (Makefile: make book PYTHON=...)
supported="3.11 3.12"

version_of() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

is_supported() {
  v=$(version_of "$1") || return 1
  case " $supported " in *" $v "*) return 0 ;; esac
  return 1
}

if [ -n "$PYTHON" ]; then
  if is_supported "$PYTHON"; then echo "$PYTHON"; exit 0; fi
  found=$(version_of "$PYTHON") || found="not runnable"
  echo "error: PYTHON=$PYTHON is Python $found; this book's environment needs Python 3.11 or 3.12" >&2
else
  for candidate in python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && is_supported "$candidate"; then
      echo "$candidate"; exit 0
    fi
  done
  echo "error: no Python 3.11 or 3.12 found (tried python3.12, python3.11, python3)" >&2
fi
cat >&2 <<'MSG'
  The book's locked environment (requirements.txt) installs on Python 3.11 and 3.12.
  Get one, then run make again:
    uv python install 3.12 && make book PYTHON="$(uv python find 3.12)"
    (or: pyenv install 3.12 / apt-get install python3.12 / brew install python@3.12)
  or name an interpreter you already have:  make book PYTHON=/path/to/python3.12
MSG
exit 1
