"""``archiver stats --plot``: articles per month and briefs by status, in one chart."""

from __future__ import annotations

from pathlib import Path

from archiver.export.writers import atomic_output
from archiver.store import Archive


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``YYYY-MM``), so that gaps show as zeros."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def plot_coverage(archive: Archive, path: Path) -> tuple[int, int]:
    """Draw the chart to ``path`` (PNG); return (months shown, briefs counted)."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    per_month = archive.news_per_month()
    statuses = archive.stats()["brief_status"]
    months = months_between(min(per_month), max(per_month)) if per_month else []
    counts = [per_month.get(m, 0) for m in months]

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(11, 6.5), gridspec_kw={"height_ratios": [3, 1]}
    )
    top.bar(range(len(months)), counts, width=1.0, color="#3b6ea5")
    top.set_title("News articles per month (months with none are gaps)")
    top.set_ylabel("articles")
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    step = max(1, len(months) // 12)
    top.set_xticks(range(0, len(months), step), months[::step], rotation=45, ha="right")
    top.set_xlim(-0.5, max(len(months), 1) - 0.5)

    names = ["live", "archived", "unavailable"]
    values = [statuses.get(name, 0) for name in names]
    bars = bottom.barh(names, values, color=["#4c9a2a", "#e0a526", "#b03a2e"])
    bottom.bar_label(bars, padding=3)
    bottom.set_title("Cited briefs by status")
    bottom.invert_yaxis()
    bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    try:
        with atomic_output(path, binary=True) as f:
            fig.savefig(f, format="png", dpi=100)
    finally:
        plt.close(fig)
    return len(months), sum(values)
