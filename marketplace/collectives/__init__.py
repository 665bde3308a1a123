"""Professional collectives across CAEs, governed one person one vote (see operations.py)."""
