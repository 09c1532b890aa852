"""A minimal document model (sections of text, tables and figures) and its HTML / Markdown writers.

Jinja or nbconvert could template this too; the report is small, must be
self-contained (figures embedded, no network needed to view) and must render
identically from the same ledger, so a few dozen lines of our own escape
everything explicitly and keep the output stable.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["Block", "Section", "figure_png", "render_html", "render_markdown", "report_preview"]


def figure_png(fig: plt.Figure) -> bytes:
    """Draw a figure to PNG bytes and close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


@dataclass
class Block:
    """One piece of a section: a paragraph, a table, a figure or a notice."""

    kind: str  # "text" | "table" | "figure" | "notice" | "alert"
    text: str = ""
    table: pd.DataFrame | None = None
    png: bytes | None = None
    caption: str = ""


@dataclass
class Section:
    """A titled part of the report."""

    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)

    def text(self, text: str) -> Section:
        self.blocks.append(Block("text", text=text))
        return self

    def notice(self, text: str) -> Section:
        self.blocks.append(Block("notice", text=text))
        return self

    def alert(self, text: str) -> Section:
        self.blocks.append(Block("alert", text=text))
        return self

    def table(self, frame: pd.DataFrame, caption: str = "") -> Section:
        self.blocks.append(Block("table", table=frame, caption=caption))
        return self

    def figure(self, fig: plt.Figure, caption: str) -> Section:
        self.blocks.append(Block("figure", png=figure_png(fig), caption=caption))
        return self


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,'Noto Sans SC',
'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;
max-width:1050px;margin:24px auto;padding:0 16px;color:#1f2328;line-height:1.45}
h1{font-size:1.7em;margin-bottom:4px}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;margin-top:32px}
.meta{color:#59636e;font-size:.9em}
.ok,.bad,.notice{padding:10px 14px;border-radius:6px;margin:12px 0}
.ok{background:#dafbe1;border:1px solid #4ac26b}.bad{background:#ffebe9;border:2px solid #cf222e;font-size:1.1em}
.notice{background:#f6f8fa;border:1px solid #d0d7de;color:#59636e}
table{border-collapse:collapse;margin:8px 0 4px;font-size:.88em}th,td{border:1px solid #d0d7de;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.caption{color:#59636e;font-size:.85em;margin-bottom:14px}img{max-width:100%}
nav ol{columns:2;font-size:.92em}code{background:#f6f8fa;padding:1px 4px;border-radius:4px;font-size:.9em}
"""


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for value in row:
            css = " class='num'" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
            cells.append(f"<td{css}>{html.escape(_cell(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_html(title: str, meta: str, banner: tuple[bool, str], sections: list[Section]) -> str:
    """The whole report as one self-contained HTML page (figures as data URIs, inline CSS)."""
    ok, message = banner
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><div class='meta'>{html.escape(meta)}</div>",
        f"<div class='{'ok' if ok else 'bad'}' id='verification'>{html.escape(message)}</div>",
        "<nav><ol>" + "".join(
            f"<li><a href='#{s.anchor}'>{html.escape(s.title)}</a></li>" for s in sections
        ) + "</ol></nav>",
    ]
    for section in sections:
        parts.append(f"<h2 id='{section.anchor}'>{html.escape(section.title)}</h2>")
        for block in section.blocks:
            if block.kind == "text":
                parts.append(f"<p>{html.escape(block.text)}</p>")
            elif block.kind == "notice":
                parts.append(f"<div class='notice'>{html.escape(block.text)}</div>")
            elif block.kind == "alert":
                parts.append(f"<div class='bad'>{html.escape(block.text)}</div>")
            elif block.kind == "table":
                parts.append(_html_table(block.table))
                if block.caption:
                    parts.append(f"<div class='caption'>{html.escape(block.caption)}</div>")
            elif block.kind == "figure":
                data = base64.b64encode(block.png).decode("ascii")
                parts.append(
                    f"<figure><img alt='{html.escape(block.caption)}' src='data:image/png;base64,{data}'>"
                    f"<figcaption class='caption'>{html.escape(block.caption)}</figcaption></figure>"
                )
    parts.append("</body></html>")
    return "\n".join(parts)


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(_md_escape(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(_md_escape(_cell(v)) for v in row) + " |" for _, row in frame.iterrows()]
    return "\n".join([head, rule, *rows])


def render_markdown(
    title: str, meta: str, banner: tuple[bool, str], sections: list[Section], figure_dir: str
) -> tuple[str, dict[str, bytes]]:
    """The report as Markdown plus its figures (file name -> PNG bytes) for ``figure_dir``."""
    ok, message = banner
    lines = [f"# {title}", "", f"_{meta}_", "", f"> **{'Verified' if ok else 'NOT VERIFIED'}.** {message}", ""]
    figures: dict[str, bytes] = {}
    for section in sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            if block.kind == "text":
                lines += [block.text, ""]
            elif block.kind in ("notice", "alert"):
                lines += [f"> {block.text}", ""]
            elif block.kind == "table":
                lines += [_md_table(block.table), ""]
                if block.caption:
                    lines += [f"_{block.caption}_", ""]
            elif block.kind == "figure":
                name = f"{section.anchor}-{len(figures) + 1}.png"
                figures[name] = block.png
                lines += [f"![{block.caption}]({figure_dir}/{name})", "", f"_{block.caption}_", ""]
    return "\n".join(lines), figures


def report_preview(report, *, height: int = 620):
    """Show a governance report in a notebook in a frame of its own.

    The report is a complete HTML page with its own style sheet; shown inline,
    that style sheet would restyle the notebook around it. In a frame it looks
    exactly as a reviewer's browser shows ``report.html``, first screen first.

    Parameters
    ----------
    report : GovernanceReport
    height : int
        Frame height in pixels (the report scrolls inside it).

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from govkit.ledger import Ledger
    >>> from govkit.report import build_report, report_preview
    >>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()) / "ledger.jsonl")
    >>> _ = ledger.append("datasets", "load")
    >>> "<iframe" in report_preview(build_report(ledger)).data
    True
    """
    page = report.html()
    return _html(
        "<div class='govkit-report-preview'>"
        f"<iframe title='{html.escape(report.title)}' "
        f"srcdoc=\"{html.escape(page, quote=True)}\" "
        f"style='width:100%;height:{int(height)}px;border:1px solid #d0d7de;border-radius:6px'>"
        "</iframe></div>"
    )


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)
