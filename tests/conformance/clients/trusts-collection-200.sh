#!/bin/sh
# A batch client with one defect: trusts-collection-200 (see batch_defects.py).
exec "${PYTHON3:-python3}" "$(dirname "$0")/batch_defects.py" --defect trusts-collection-200
