#!/bin/sh
# A client with one defect: no-refresh-ahead (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect no-refresh-ahead
