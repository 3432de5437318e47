#!/bin/sh
# A client with one defect: reports-all-delivered (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect reports-all-delivered
