#!/bin/sh
# The correct script client (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py"
