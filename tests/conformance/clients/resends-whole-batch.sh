#!/bin/sh
# A batch client with one defect: resends-whole-batch (see batch_defects.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/batch_defects.py" --defect resends-whole-batch
