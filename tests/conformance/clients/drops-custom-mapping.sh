#!/bin/sh
# A client with one defect: drops-custom-mapping (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect drops-custom-mapping
