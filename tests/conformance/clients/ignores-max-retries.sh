#!/bin/sh
# A client with one defect: retries-forever (see client.py).
exec python3 "$(dirname "$0")/client.py" --defect retries-forever
