#!/bin/sh
# A client with one defect: burns-leads-on-failed-refresh (see client.py).
exec python3 "$(dirname "$0")/client.py" --defect burns-leads-on-failed-refresh
