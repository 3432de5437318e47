#!/bin/sh
# A client with one defect: retries-after-success (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect retries-after-success
