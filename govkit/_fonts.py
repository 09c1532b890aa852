"""Chinese (CJK) text in govkit's figures: a bundled fallback font for matplotlib.

matplotlib's default font, DejaVu Sans, has no CJK glyphs: a figure whose
labels are Chinese column names (性别, 收入) draws empty boxes and warns
"Glyph ... missing from font(s) DejaVu Sans" (an error under the test
suite's ``filterwarnings = error``). System fonts cannot be relied on (a
workshop laptop, a container, Binder), so govkit depends on a font package.

Why this font: Noto Sans SC (Google/Adobe's Source Han Sans subset for
Simplified Chinese, SIL Open Font License 1.1), from the data-only wheel
``pylopdf-fonts-zh-cn`` (0.1.1: 17 MB wheel, no dependencies; it also holds
Noto Serif SC, unused here). Measured alternatives: ``mplfonts`` 0.0.11
ships an 85 MB wheel; ``paperang-p2-fonts-cjk`` ships WenQuanYi Micro Hei
(5 MB, but not under the OFL). Registering one font file with
matplotlib takes about 10 ms.

How: :func:`use_cjk_fallback` adds the font file to matplotlib's font
manager and appends its family to ``rcParams["font.family"]``. matplotlib
(3.6+) falls back glyph by glyph along that list, so Latin text keeps the
default font and only characters it lacks come from Noto Sans SC. (Adding
the family to ``font.sans-serif`` would not do: a generic family resolves to
one font, with no per-glyph fallback.) It is called lazily, just before
govkit draws a figure that may hold data-derived labels, and is idempotent.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["CJK_FONT_FAMILY", "cjk_font_path", "use_cjk_fallback"]

CJK_FONT_FAMILY = "Noto Sans SC"


def cjk_font_path() -> Path | None:
    """The bundled Noto Sans SC font file, or ``None`` when the font package is not installed.

    Examples
    --------
    >>> from govkit._fonts import cjk_font_path
    >>> cjk_font_path().name
    'NotoSansSC-Regular.otf'
    """
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def use_cjk_fallback() -> str | None:
    """Make matplotlib draw CJK characters with Noto Sans SC, after the default font.

    Registers the font file once and appends its family to
    ``matplotlib.rcParams["font.family"]`` if it is not there yet (a style
    or ``rcdefaults()`` may have reset the list since the last call).

    Returns
    -------
    str or None
        The family name now in the fallback list, or ``None`` when the font
        package is missing (figures then lack CJK glyphs, as before).

    Examples
    --------
    >>> import matplotlib
    >>> from govkit._fonts import use_cjk_fallback
    >>> use_cjk_fallback()
    'Noto Sans SC'
    >>> matplotlib.rcParams["font.family"][-1]
    'Noto Sans SC'
    """
    path = cjk_font_path()
    if path is None:
        return None
    import matplotlib
    from matplotlib import font_manager

    if not any(Path(entry.fname) == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    family = matplotlib.rcParams["font.family"]
    families = [family] if isinstance(family, str) else list(family)
    if CJK_FONT_FAMILY not in families:
        matplotlib.rcParams["font.family"] = [*families, CJK_FONT_FAMILY]
    return CJK_FONT_FAMILY
