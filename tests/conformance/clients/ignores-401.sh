#!/bin/sh
# A client with one defect: ignores-401 (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect ignores-401
