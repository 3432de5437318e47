#!/bin/sh
# A client with one defect: flat-flow-body (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect flat-flow-body
