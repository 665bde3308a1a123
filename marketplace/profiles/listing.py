"""The profile list (/profils): the database without words, the search index with words."""

from __future__ import annotations

from marketplace.actors import Viewer
from marketplace.profiles.finder import profile_filter_terms
from marketplace.profiles.models import Profile
from marketplace.profiles.operations import ProfileFilters, filtered_profiles
from marketplace.profiles.search import NAME
from marketplace.search.listing import by_ids, list_page, no_filter
from marketplace.visibility import can_view_profile


def list_profiles(
    viewer: Viewer, filters: ProfileFilters, page: int, per_page: int
) -> tuple[list[Profile], int]:
    """One page of visible profiles and their total. With words: the index, best first (the
    ranking and the French analysis of /recherche, the last word also completed as a
    prefix); without: latest updated first."""
    return list_page(
        viewer,
        filters,
        page,
        per_page,
        database=lambda: filtered_profiles(viewer, filters),
        doc_type=NAME,
        terms=lambda _place: profile_filter_terms(filters),
        reload=by_ids(Profile),
        visible=can_view_profile,
        complete_last=True,  # a filter box: « rénov » also finds « rénovation »
        count_miss=no_filter,
    )
