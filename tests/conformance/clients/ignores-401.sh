#!/bin/sh
# A client with one defect: ignores-401 (see client.py).
exec python3 "$(dirname "$0")/client.py" --defect ignores-401
