#!/bin/sh
# A client with one defect: never-retries (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect never-retries
