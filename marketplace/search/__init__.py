"""Full-text search in French over the marketplace's documents (Whoosh): the engine only.

The engine knows no domain. Each domain declares its document type in its own package and
registers it (``documents.register(DocumentType(...))``): profiles/search.py,
collectives/search.py, subcontracting/search.py, tenders/search.py; the application imports
them when it is built (web.init_extensions).

Entry points:
- ``service.search_documents(viewer, doc_type_name, q, terms, page, per_page)`` →
  DocumentSearch: ranked ids, total and facet counts of any registered type (the caller loads
  the rows and re-checks their visibility);
- ``indexer.get_indexer(app)`` → the node's Indexer: ``sync()``, ``rebuild()``;
- ``cli.register_search_cli(app)`` adds ``flask search rebuild|sync|prune``.
"""

from marketplace.search.cli import register_search_cli

__all__ = ["register_search_cli"]
