#!/bin/sh
# A client with one defect: json-to-w2l (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect json-to-w2l
