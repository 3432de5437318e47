#!/bin/sh
# A client with one defect: no-outcomes (see client.py).
exec python3 "$(dirname "$0")/client.py" --defect no-outcomes
