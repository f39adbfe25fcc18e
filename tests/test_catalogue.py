"""The technology catalogue: every published figure cites where it comes from."""

from __future__ import annotations

from mlreview.system.catalogue import _data, catalogue, kinds, lookup


def test_every_availability_figure_cites_a_provider_page() -> None:
    for tech in set(catalogue().values()):
        if tech.availability is not None or tech.single_zone_availability is not None:
            assert tech.source and tech.source.startswith("https://"), tech.name
            assert 0.9 < (tech.availability or 0) <= 1.0
        else:
            assert tech.source is None, f"{tech.name} cites a page but gives no figure"


def test_aliases_and_case() -> None:
    assert lookup("Amazon DynamoDB") is lookup("dynamodb")
    assert lookup("memorydb") is not None
    assert lookup("memorydb").availability_for(1) == 0.995  # type: ignore[union-attr]
    assert lookup("memorydb").availability_for(3) == 0.9999  # type: ignore[union-attr]
    assert lookup(None) is None and lookup("no-such-thing") is None


def test_every_technology_has_a_known_kind_and_names_are_unique() -> None:
    names: dict[str, str] = {}
    for entry in _data()["technologies"]:
        assert entry["kind"] in kinds(), entry["name"]
        for key in (entry["name"], *entry.get("aliases", ())):
            assert names.setdefault(key.lower(), entry["name"]) == entry["name"], key


def test_kinds_say_what_they_are_in_a_manifest() -> None:
    for kind in kinds().values():
        assert "manifest" in kind.is_
