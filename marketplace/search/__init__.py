"""Full-text search in French over the marketplace's documents (Whoosh).

Public entry points:
- ``search_profiles(viewer, q, filters, page, per_page)`` → SearchResult (service.py);
- ``search_documents(viewer, doc_type_name, q, terms, page, per_page)`` → DocumentSearch:
  ranked ids, total and facet counts of any registered type (the caller loads the rows and
  re-checks their visibility);
- ``get_indexer(app)`` → the node's Indexer: ``sync()``, ``rebuild()`` (indexer.py);
- ``register_search_cli(app)`` adds ``flask search rebuild|sync|prune`` (cli.py);
- ``documents.register(DocumentType(...))`` adds a searchable document type.
"""

from __future__ import annotations

from typing import Any

from marketplace.search import (  # noqa: F401 (registers the document types)
    collective_document,
    documents,
    offer_document,
    profile_document,
    tender_document,
)

__all__ = ["documents", "get_indexer", "register_search_cli", "search_documents", "search_profiles"]


def __getattr__(name: str) -> Any:
    if name in ("search_profiles", "search_documents", "DocumentSearch", "SearchResult", "Hit"):
        from marketplace.search import service

        return getattr(service, name)
    if name == "get_indexer":
        from marketplace.search.indexer import get_indexer

        return get_indexer
    if name == "register_search_cli":
        from marketplace.search.cli import register_search_cli

        return register_search_cli
    raise AttributeError(name)
