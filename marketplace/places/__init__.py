"""Places: French communes (name or postcode → centre), distances, and the `near` filter."""
