"""The Panel: a titled group of ipywidgets controls over one pure render function.

Every interactive panel in the workbook is a :class:`Panel`. The panel owns
the plumbing (observing controls, timing, busy and error display, rendering
figures to PNG); the stage supplies ``render(**values)``, a plain function of
the control values that returns what to show. That keeps the logic unit-
testable without a browser, and gives the browser tests one uniform DOM
contract to drive:

- the panel carries the CSS classes ``govkit-panel`` and ``govkit-panel-<name>``;
- each control carries ``govkit-control``; the one a test should move first
  also carries ``govkit-primary``;
- the output area carries ``govkit-output``, the status line ``govkit-status``,
  and a message from a rejected input ``govkit-error``.

Notebooks list their panels' names in their metadata
(``metadata["govkit"]["panels"]``) so the tests know what must appear.
"""

from __future__ import annotations

import html
import inspect
import io
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython import get_ipython
from IPython.display import HTML, Image, Markdown, display

__all__ = ["Panel", "render_items"]

_BAD_NAME = (
    "Panel: name={name!r} must be a lowercase slug (letters, digits, '-'), e.g. "
    "'dataset-groups'; it becomes the CSS class govkit-panel-<name>."
)
_NO_CONTROLS = "Panel: controls must be a non-empty dict of name -> ipywidgets control."
_BAD_PRIMARY = "Panel: primary={primary!r} is not one of the controls {names}."


def _png(fig: plt.Figure) -> Image:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return Image(data=buffer.getvalue(), format="png")


def render_items(result: Any) -> list[Any]:
    """Turn a render function's result into displayable objects.

    A tuple or list is shown item by item; a matplotlib Figure becomes a PNG
    image (and is closed); a string is Markdown, or HTML when it starts with
    ``<``; anything else (a DataFrame, a Styler, an ipywidget) is displayed as
    it is.

    Examples
    --------
    >>> from govkit.widgets._panel import render_items
    >>> [type(item).__name__ for item in render_items(("**hi**", "<b>hi</b>"))]
    ['Markdown', 'HTML']
    """
    items = result if isinstance(result, (list, tuple)) else [result]
    shown = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, plt.Figure):
            shown.append(_png(item))
        elif isinstance(item, str):
            shown.append(HTML(item) if item.lstrip().startswith("<") else Markdown(item))
        else:
            shown.append(item)
    return shown


class Panel(widgets.VBox):
    """A titled panel of controls whose output is ``render(**control_values)``.

    Parameters
    ----------
    name : str
        Slug naming the panel in CSS classes and notebook metadata.
    title : str
        Heading shown above the controls.
    controls : dict
        Keyword name -> ipywidgets control. ``render`` receives each
        control's ``value`` under that keyword.
    render : callable
        Pure function of the control values returning what to show (see
        :func:`render_items`). If it accepts a ``progress`` keyword, it is
        given a callable ``progress(fraction, message="")`` that drives a
        progress bar, for slow steps. A ``ValueError`` or ``TypeError`` it
        raises is shown as a message in the panel instead of a traceback.
    description : str, optional
        One or two sentences (Markdown-free HTML) under the title.
    primary : str, optional
        The control a browser test moves; defaults to the first.

    Attributes
    ----------
    last_duration : float
        Seconds the last update took (render plus drawing).
    durations : list of float
        Every update's duration, oldest first.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> from govkit.widgets import Panel
    >>> panel = Panel(name="square", title="Square",
    ...               controls={"x": widgets.IntSlider(value=2, min=0, max=9)},
    ...               render=lambda x: f"{x} squared is {x * x}")
    >>> panel.set(x=3)
    >>> panel.values
    {'x': 3}
    """

    def __init__(
        self,
        *,
        name: str,
        title: str,
        controls: Mapping[str, widgets.Widget],
        render: Callable[..., Any],
        description: str = "",
        primary: str | None = None,
    ) -> None:
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
            raise ValueError(_BAD_NAME.format(name=name))
        if not controls:
            raise ValueError(_NO_CONTROLS)
        primary = primary or next(iter(controls))
        if primary not in controls:
            raise ValueError(_BAD_PRIMARY.format(primary=primary, names=list(controls)))
        self.name = name
        self.controls = dict(controls)
        self.render = render
        self.durations: list[float] = []
        self._wants_progress = "progress" in inspect.signature(render).parameters
        self._paused = False

        for key, control in self.controls.items():
            control.add_class("govkit-control")
            control.add_class(f"govkit-control-{key.replace('_', '-')}")
            if key == primary:
                control.add_class("govkit-primary")
            if hasattr(control, "continuous_update"):
                control.continuous_update = False  # update on release, not on every pixel
            if hasattr(control, "style") and hasattr(control.style, "description_width"):
                control.style.description_width = "initial"
            control.observe(self._on_change, names="value")

        header = widgets.HTML(
            f"<h4 style='margin:4px 0'>{html.escape(title)}</h4>"
            + (f"<div style='color:#555;font-size:90%'>{description}</div>" if description else "")
        )
        self.status = widgets.HTML()
        self.status.add_class("govkit-status")
        self.progress = widgets.FloatProgress(min=0.0, max=1.0, layout={"visibility": "hidden"})
        self.output = widgets.Output()
        self.output.add_class("govkit-output")
        row = widgets.HBox(list(self.controls.values()), layout={"flex_flow": "row wrap"})
        super().__init__(
            [header, row, widgets.HBox([self.status, self.progress]), self.output],
            layout={"border": "1px solid #ddd", "padding": "6px", "margin": "6px 0"},
        )
        self.add_class("govkit-panel")
        self.add_class(f"govkit-panel-{name}")
        self.update()

    # -- state ----------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        """The current control values, keyed like ``render``'s keywords."""
        return {key: control.value for key, control in self.controls.items()}

    @property
    def last_duration(self) -> float:
        return self.durations[-1] if self.durations else float("nan")

    def set(self, **values: Any) -> None:
        """Set several controls at once and update once (used by benchmarks and tests)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"Panel.set: {sorted(unknown)} are not controls of panel {self.name!r}; "
                f"its controls are {list(self.controls)}."
            )
        self._paused = True
        try:
            for key, value in values.items():
                self.controls[key].value = value
        finally:
            self._paused = False
        self.update()

    # -- updating -------------------------------------------------------------------
    def _on_change(self, _change: Mapping[str, Any]) -> None:
        if not self._paused:
            self.update()

    def _report_progress(self, fraction: float, message: str = "") -> None:
        self.progress.layout.visibility = "visible"
        self.progress.value = min(max(float(fraction), 0.0), 1.0)
        if message:
            self.status.value = f"<span style='color:#888'>⏳ {html.escape(message)}</span>"

    def update(self) -> None:
        """Re-run ``render`` with the current values and redraw the output."""
        self.status.value = "<span style='color:#888'>⏳ computing…</span>"
        start = time.perf_counter()
        kwargs = self.values
        if self._wants_progress:
            kwargs["progress"] = self._report_progress
        try:
            items = render_items(self.render(**kwargs))
            error = None
        except (ValueError, TypeError) as exc:  # bad input: say so, keep the panel alive
            items, error = [], str(exc)
        if get_ipython() is None:  # plain Python (a script, a benchmark): nothing to draw on
            self._finish(start, error)
            return
        with self.output:
            self.output.clear_output(wait=True)
            if error is not None:
                display(
                    HTML(
                        "<div class='govkit-error' style='color:#a00;border-left:3px solid "
                        f"#a00;padding-left:6px'>{html.escape(error)}</div>"
                    )
                )
            for item in items:
                display(item)
        self._finish(start, error)

    def _finish(self, start: float, error: str | None) -> None:
        self.progress.layout.visibility = "hidden"
        elapsed = time.perf_counter() - start
        self.durations.append(elapsed)
        state = "rejected the input" if error else "updated"
        self.status.value = (
            f"<span style='color:#888;font-size:85%'>{state} in {elapsed * 1000:.0f} ms</span>"
        )
