"""Joint tenders: calls for tenders answered together, their lots, applications and team."""
