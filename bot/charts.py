"""The weekly report's chart: a PNG with Chinese labels (matplotlib, Agg, a CJK font).

matplotlib is imported lazily and rendering runs in a worker thread (render_png_async), so
neither slows the event loop. The CJK font is Noto Sans CJK SC from the `mplfonts` package
(installed by pip with the bot; nothing is fetched at run time). Without it, a CJK font the
system has (e.g. Debian's fonts-noto-cjk) is used; without any, the chart is still drawn and
a warning says that Chinese labels may show as boxes.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import logging
import threading
from functools import cache
from pathlib import Path

from bot.domain.stats import ChartData

log = logging.getLogger(__name__)

BUNDLED_FONT = "NotoSansCJKsc-Regular.otf"  # in the mplfonts package
# Families a system may have that draw Simplified Chinese, best first.
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
                   "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei",
                   "Droid Sans Fallback")
_lock = threading.Lock()  # matplotlib's font manager and rc are process-wide


def _bundled_font() -> Path | None:
    """The mplfonts package's font file, found without importing the package."""
    spec = importlib.util.find_spec("mplfonts")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / BUNDLED_FONT
        if path.is_file():
            return path
    return None


@cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use (registered if bundled), or None."""
    from matplotlib import font_manager

    with _lock:
        path = _bundled_font()
        if path is not None:
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for family in SYSTEM_FAMILIES:
            if family in installed:
                log.info("Charts use the system font %s (mplfonts is not installed)", family)
                return family
    log.warning("No CJK font found (install the mplfonts package or fonts-noto-cjk); "
                "Chinese chart labels may show as boxes")
    return None


def font_file(family: str) -> str:
    """The file matplotlib draws `family` with (no fallback to another family)."""
    from matplotlib import font_manager

    return font_manager.findfont(font_manager.FontProperties(family=family),
                                 fallback_to_default=False)


def render_png(data: ChartData) -> bytes:
    """Draw the three panels into a PNG: posts per day, players per day, reports by type."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    family = cjk_font()
    rc = {"font.family": "sans-serif",
          "font.sans-serif": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
          "axes.unicode_minus": False}
    with _lock, matplotlib.rc_context(rc):
        fig = Figure(figsize=(9, 10), dpi=100)
        posts, players, reports = fig.subplots(3, 1)
        short = [d[5:] for d in data.days]  # MM-DD
        posts.bar(short, data.posts_per_day, color="#2f6fdf", label=data.labels["delivered"])
        posts.bar(short, data.failed_per_day, bottom=data.posts_per_day, color="#c0392b",
                  label=data.labels["failed"])
        posts.set_title(data.labels["posts"])
        if any(data.failed_per_day):
            posts.legend(loc="upper left", fontsize=8)
        players.plot(short, data.players_per_day, marker="o", color="#e07b00")
        players.set_title(data.labels["players"])
        players.set_ylim(bottom=0)
        names = [name for name, _ in data.report_types][:10] or [data.labels["none"]]
        counts = [n for _, n in data.report_types][:10] or [0]
        reports.barh(names[::-1], counts[::-1], color="#8e44ad")
        reports.set_title(data.labels["reports"])
        for ax in (posts, players):
            ax.tick_params(axis="x", labelrotation=45, labelsize=8)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        reports.xaxis.set_major_locator(MaxNLocator(integer=True))
        fig.suptitle(data.title)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


async def render_png_async(data: ChartData) -> bytes:
    """render_png in a worker thread: drawing takes a few hundred milliseconds."""
    return await asyncio.to_thread(render_png, data)
