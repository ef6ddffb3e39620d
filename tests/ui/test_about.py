"""Help ▸ About names the licences and links to the licence files shipped with this copy."""

from __future__ import annotations

from reader.ui.about_dialog import about_html
from tests.conftest import ROOT


def test_about_links_to_the_licence_files_of_this_copy(pack) -> None:
    text = about_html(pack)
    for name in ("LICENSE", "THIRD-PARTY.md"):
        assert f'href="{(ROOT / name).as_uri()}"' in text, name
