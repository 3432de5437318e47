#!/bin/sh
# A client with one defect: resends-unseen (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect resends-unseen
