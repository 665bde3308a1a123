"""Saved searches (alerts), suggested matches and "Pour vous": the opportunities reach people.

The request that publishes an offer, a tender or a profile only adds a ``MatchJob`` row (in its
own transaction); the background worker (``flask jobs run``) matches it against the saved
alerts and the members whose competences and area fit it, and tells each person once.
"""
