#!/bin/sh
# A client with one defect: no-outcomes (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect no-outcomes
