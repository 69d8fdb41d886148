"""PDF documents with embedded Chinese text (fpdf2 + the bundled Droid Sans Fallback font).

Every PDF GovMall renders goes through `Document`: one font (subset-embedded, so a file prints
the same everywhere), A4 portrait, a title, paragraphs, key/value tables and signature lines.
Callers build the content; this module knows nothing about the mall's business.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "latin"  # DejaVu Sans: digits, Latin letters, punctuation
CJK = "cjk"  # Droid Sans Fallback: the Chinese characters (it has no Latin glyphs)


class Document(FPDF):
    """An A4 document. `footer_text` is printed with the page number on every page."""

    def __init__(self, *, title: str, footer_text: str = "", author: str = "GovMall"):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(CJK, "", str(FONTS / "DroidSansFallbackFull.ttf"))
        self.set_fallback_fonts([CJK], exact_match=False)
        self.set_title(title)
        self.set_author(author)
        self.set_creator("GovMall")
        self.doc_title = title
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(20, 18, 20)
        self.add_page()
        self.set_font(FONT, size=11)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(110, 110, 110)
        text = f"{self.footer_text}  第 {self.page_no()} 页 / 共 {{nb}} 页".strip()
        self.cell(0, 6, text, align="C")
        self.set_text_color(0, 0, 0)

    # --- content helpers -------------------------------------------------------------------

    def heading(self, text: str, *, size: int = 18) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(0, size * 0.6, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)
        self.set_font(FONT, size=11)

    def subheading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FONT, size=13)
        self.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=11)
        self.ln(1)

    def paragraph(self, text: str, *, indent: bool = False, size: int = 11) -> None:
        self.set_font(FONT, size=size)
        if indent:  # first-line indent of two characters, as Chinese documents are set
            text = "\u2003\u2003" + text if self._has_glyph("\u2003") else "    " + text
        self.multi_cell(0, size * 0.6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1.5)

    def fields(self, rows: list[tuple[str, str]], *, label_width: float = 48) -> None:
        """Label/value lines, e.g. parties of a contract. Long values wrap beside their label."""
        self.set_font(FONT, size=11)
        for label, value in rows:
            y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.multi_cell(label_width, 7, f"{label}：", new_x=XPos.RIGHT, new_y=YPos.TOP)
            label_bottom = self.get_y()
            self.set_xy(self.l_margin + label_width, y)
            self.multi_cell(0, 7, str(value) if value not in (None, "") else "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_y(max(self.get_y(), label_bottom, y + 7))

    def _has_glyph(self, char: str) -> bool:
        return any(ord(char) in self.fonts[name].cmap for name in (FONT, CJK) if name in self.fonts)

    def grid(self, headers: list[str], rows: list[list[str]], *, widths: list[float] | None = None, align: list[str] | None = None) -> None:
        """A bordered table; `align` per column ("L", "R", "C"). Long cells wrap."""
        usable = self.w - self.l_margin - self.r_margin
        widths = widths or [usable / len(headers)] * len(headers)
        self.set_font(FONT, size=10)
        headings = FontFace(emphasis="", fill_color=(235, 238, 242))
        with self.table(col_widths=widths, text_align=tuple(align or ["L"] * len(headers)), line_height=6.5, first_row_as_headings=True, headings_style=headings) as table:
            head = table.row()
            for h in headers:
                head.cell(h)
            for r in rows:
                row = table.row()
                for value in r:
                    row.cell(str(value))
        self.ln(3)
        self.set_font(FONT, size=11)

    def signatures(self, parties: list[tuple[str, str, str]]) -> None:
        """Signature blocks side by side: (role, name, signed-at text or "")."""
        self.ln(6)
        usable = self.w - self.l_margin - self.r_margin
        width = usable / max(1, len(parties))
        y = self.get_y()
        for i, (role, name, signed) in enumerate(parties):
            self.set_xy(self.l_margin + i * width, y)
            self.multi_cell(width - 4, 7, f"{role}：{name}\n签署：{signed or '（未签署）'}", new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_y(y + 18)

    def render(self) -> bytes:
        return bytes(self.output())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
