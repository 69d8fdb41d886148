"""The course materials' light text format, rendered to HTML with everything escaped:
blank lines separate paragraphs, "## " starts a subheading, "- " a list item."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def render_body(text: str) -> SafeString:
    out: list[str] = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [ln.rstrip() for ln in block.split("\n") if ln.strip()]
        items: list[str] = []
        para: list[str] = []

        def flush():
            if items:
                out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
                items.clear()
            if para:
                out.append("<p>" + "<br>".join(escape(p) for p in para) + "</p>")
                para.clear()

        for ln in lines:
            s = ln.strip()
            if s.startswith("## ") or s.startswith("### "):
                flush()
                out.append(f"<h3>{escape(s.lstrip('#').strip())}</h3>")
            elif s.startswith("- ") or s.startswith("· "):
                if para:
                    flush()
                items.append(s[2:].strip())
            else:
                if items:
                    flush()
                para.append(s)
        flush()
    return mark_safe("\n".join(out))
