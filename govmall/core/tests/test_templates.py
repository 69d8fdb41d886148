"""Rules every template keeps, checked on the template sources."""

from __future__ import annotations

import re
from pathlib import Path

import govmall

CELL = re.compile(r'<td data-label="([^"]*)"[^>]*>(.*?)</td>', re.S)


def test_phone_table_cells_with_a_second_line_wrap_it_in_one_block():
    """On a phone a responsive table shows each cell as 'label | content' side by side (a flex
    row). A cell whose content has a line break or a small note must hold it in one <div>:
    otherwise the note becomes a third column, squeezed off the right edge of the screen."""
    bad = []
    for path in sorted(Path(govmall.__file__).parent.rglob("*.html")):
        for label, body in CELL.findall(path.read_text()):
            if ("<br" in body or "<small" in body) and not body.startswith("<div"):
                bad.append(f"{path.relative_to(Path(govmall.__file__).parent)}: {label}")
    assert bad == []
