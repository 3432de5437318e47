#!/bin/sh
# A batch client with one defect: saves-state-at-exit (see batch_defects.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/batch_defects.py" --defect saves-state-at-exit
