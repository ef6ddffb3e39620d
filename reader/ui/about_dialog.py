"""The About box: version, licences, and the attribution the GMC's terms ask for."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from reader import APP_NAME, __version__
from reader.core.model import ContentPack
from reader.paths import install_root

# Shipped with every copy: in the source tree, and inside the bundle (and beside its exe).
LICENCE_FILES = (("LICENSE", "the full licence"), ("THIRD-PARTY.md", "third-party components"))


def licence_links() -> str:
    """Links to the licence files of this copy; a file missing from it is named, not linked."""
    parts = []
    for name, label in LICENCE_FILES:
        path = install_root() / name
        if path.is_file():
            # A local file, opened by the system's text viewer; nothing goes on the network.
            parts.append(f'<a href="{html.escape(path.as_uri())}">{label} ({name})</a>')
        else:
            parts.append(f"{label} ({name}, missing from this copy)")
    return "<p>Read " + " and ".join(parts) + ".</p>"


def about_html(pack: ContentPack) -> str:
    notices = "".join(f"<p>{html.escape(n)}</p>" for n in pack.third_party_notices)
    return (
        f"<h2>{APP_NAME} {__version__}</h2>"
        f"<p>An offline reader for <i>{html.escape(pack.citation_title)}</i>, "
        f"published by the {html.escape(pack.publisher)}"
        f"{' — ' + html.escape(pack.publisher_tagline) if pack.publisher_tagline else ''}.</p>"
        f"<h3>Attribution</h3><p>{html.escape(pack.attribution)}</p>{notices}"
        "<h3>Licences</h3>"
        "<p>This program is free software under the GNU Affero General Public License, "
        "version 3 or later (AGPL-3.0-or-later), because it uses PyMuPDF, which is AGPL.</p>"
        "<p>It also uses Qt for Python (PySide6, LGPL-3.0), Whoosh (whoosh-reloaded, BSD), "
        "platformdirs (MIT), markdown-it-py and mdit-py-plugins (MIT) and python-pptx (MIT).</p>"
        f"{licence_links()}"
        "<h3>Privacy</h3><p>What you add stays on this computer. The app sends nothing anywhere "
        "and opens a web address only when you ask it to.</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, pack: ContentPack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setAccessibleName(f"About {APP_NAME}")
        label = QLabel(about_html(pack))
        label.setObjectName("about-text")
        label.setWordWrap(True)
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        label.setOpenExternalLinks(True)  # file:// links to the licence files beside the app
        label.setMinimumWidth(460)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
