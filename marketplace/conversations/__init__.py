"""Private conversations between members, with blocks and reports."""
