"""The support team's desk: what awaits a CAE's managers (and administrators) at a glance."""
