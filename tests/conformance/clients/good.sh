#!/bin/sh
# The correct script client (see client.py).
exec python3 "$(dirname "$0")/client.py"
