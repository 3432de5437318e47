#!/bin/sh
# A client with one defect: resends-unseen (see client.py).
exec python3 "$(dirname "$0")/client.py" --defect resends-unseen
