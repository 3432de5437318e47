#!/bin/sh
# A client with one defect: json-to-w2l (see client.py).
exec python3 "$(dirname "$0")/client.py" --defect json-to-w2l
