#!/bin/sh
# A client with one defect: burns-leads-on-failed-refresh (see client.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/client.py" --defect burns-leads-on-failed-refresh
