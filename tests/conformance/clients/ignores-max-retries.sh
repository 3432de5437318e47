#!/bin/sh
# A client with one defect: ignores-max-retries (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect ignores-max-retries
