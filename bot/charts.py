"""The weekly report's chart: a PNG with Chinese labels (matplotlib, Agg, a bundled CJK font).

matplotlib is imported lazily and rendering runs in a worker thread (render_png_async), so
neither slows the event loop. The CJK font comes from the `mplfonts` package (Noto Sans CJK SC,
installed with pip, nothing fetched at run time); without it the chart is still drawn and a
warning says that Chinese labels may show as boxes.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources

log = logging.getLogger(__name__)

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@dataclass(frozen=True)
class ChartData:
    """What the chart shows: three series with their (already localised) labels."""

    title: str
    days: list[str]
    posts_per_day: list[int]
    players_per_day: list[int]
    report_types: list[tuple[str, int]]  # (label, count)
    labels: dict[str, str]  # posts, players, reports, none


@cache
def cjk_font() -> str | None:
    """Register the bundled CJK font with matplotlib; its family name, or None."""
    from matplotlib import font_manager

    try:
        path = resources.files("mplfonts") / "fonts" / CJK_FONT_FILE
        if not path.is_file():
            raise FileNotFoundError(str(path))
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        log.warning("No CJK font found (%s); Chinese chart labels may show as boxes", exc)
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def render_png(data: ChartData) -> bytes:
    """Draw the three panels into a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    family = cjk_font()
    rc = {"font.family": [family, "sans-serif"] if family else ["sans-serif"],
          "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(9, 9), dpi=100)
        axes = fig.subplots(3, 1)
        short = [d[5:] for d in data.days]
        axes[0].bar(short, data.posts_per_day, color="#2f6fdf")
        axes[0].set_title(data.labels["posts"])
        axes[1].plot(short, data.players_per_day, marker="o", color="#e07b00")
        axes[1].set_title(data.labels["players"])
        axes[1].set_ylim(bottom=0)
        names = [name for name, _ in data.report_types] or [data.labels["none"]]
        counts = [n for _, n in data.report_types] or [0]
        axes[2].barh(names[::-1], counts[::-1], color="#c0392b")
        axes[2].set_title(data.labels["reports"])
        from matplotlib.ticker import MaxNLocator

        for ax in axes[:2]:
            ax.tick_params(axis="x", labelrotation=45, labelsize=8)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes[2].xaxis.set_major_locator(MaxNLocator(integer=True))
        fig.suptitle(data.title)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


async def render_png_async(data: ChartData) -> bytes:
    return await asyncio.to_thread(render_png, data)
