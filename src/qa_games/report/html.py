"""A small Markdown-to-HTML renderer for the report (headings, paragraphs, lists,
pipe tables, images, links, code, emphasis): enough for ``index.md``, with no
dependency. Text is HTML-escaped before any markup is applied.

>>> print(to_html("# T\\n\\n| a | b |\\n|---|--:|\\n| 1 | *x* |\\n", title="T").count("<td"))
2
"""

from __future__ import annotations

import html
import re

__all__ = ["to_html"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 72rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; border: 1px solid #eee; }
code { background: #f5f5f5; padding: 0 0.2rem; border-radius: 3px; }
pre { background: #f5f5f5; padding: 0.5rem; overflow-x: auto; }
h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
"""


def _inline(text: str) -> str:
    out = html.escape(text, quote=False)
    codes: list[str] = []

    def keep(m: re.Match) -> str:
        codes.append(m.group(1))
        return f"\x00{len(codes) - 1}\x00"

    out = re.sub(r"`([^`]+)`", keep, out)
    out = re.sub(r"!\[([^\]]*)\]\(([^)\s]+)\)",
                 lambda m: f'<img alt="{m.group(1)}" src="{html.escape(m.group(2))}">', out)
    out = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)",
                 lambda m: f'<a href="{html.escape(m.group(2))}">{m.group(1)}</a>', out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", out)
    return re.sub("\x00(\\d+)\x00", lambda m: f"<code>{codes[int(m.group(1))]}</code>", out)


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


def _table(lines: list[str]) -> str:
    head = _cells(lines[0])
    aligns = ["num" if c.endswith(":") and not c.startswith(":") else ""
              for c in _cells(lines[1])]
    rows = ["<tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr>"]
    for line in lines[2:]:
        cells = _cells(line)
        rows.append("<tr>" + "".join(
            f'<td class="{aligns[k]}">{_inline(c)}</td>' if k < len(aligns) and aligns[k]
            else f"<td>{_inline(c)}</td>" for k, c in enumerate(cells)) + "</tr>")
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def to_html(markdown: str, *, title: str = "") -> str:
    """A complete HTML page from the Markdown subset the report writes."""
    lines = markdown.splitlines()
    out: list[str] = []
    k = 0
    while k < len(lines):
        line = lines[k]
        if not line.strip():
            k += 1
        elif line.startswith("```"):
            j = k + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append("<pre><code>" + html.escape("\n".join(lines[k + 1:j])) + "</code></pre>")
            k = j + 1
        elif m := re.match(r"^(#{1,6})\s+(.*)$", line):
            n = len(m.group(1))
            anchor = re.sub(r"[^a-z0-9]+", "-", m.group(2).lower()).strip("-")
            out.append(f'<h{n} id="{anchor}">{_inline(m.group(2))}</h{n}>')
            k += 1
        elif line.lstrip().startswith("|") and k + 1 < len(lines) \
                and re.match(r"^\s*\|?\s*:?-+", lines[k + 1]):
            j = k
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                j += 1
            out.append(_table(lines[k:j]))
            k = j
        elif re.match(r"^\s*([-*]|\d+\.)\s+", line):
            tag = "ol" if re.match(r"^\s*\d+\.", line) else "ul"
            items = []
            while k < len(lines) and re.match(r"^\s*([-*]|\d+\.)\s+", lines[k]):
                items.append(re.sub(r"^\s*([-*]|\d+\.)\s+", "", lines[k]))
                k += 1
                while k < len(lines) and lines[k].startswith("  ") and lines[k].strip():
                    items[-1] += " " + lines[k].strip()
                    k += 1
            out.append(f"<{tag}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{tag}>")
        else:
            para = []
            while k < len(lines) and lines[k].strip() and not re.match(
                    r"^(#{1,6}\s|```|\s*\||\s*([-*]|\d+\.)\s+)", lines[k]):
                para.append(lines[k].strip())
                k += 1
            out.append("<p>" + _inline(" ".join(para)) + "</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(out) + "\n</body>\n</html>\n")
