"""Runs the hypothesis state machine (property_lifecycle.py) on this session's database kind."""

import subprocess
import sys
from pathlib import Path


def test_random_interleavings_keep_the_ledger_exact(tmp_path, db_kind, new_database):
    url = new_database() or f"sqlite:///{tmp_path / 'property.db'}"
    result = subprocess.run([sys.executable, str(Path(__file__).parent / "property_lifecycle.py"), url],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-8000:]
