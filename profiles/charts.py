"""Geometry for the profile page's server-rendered SVG chart (no JS, no chart library)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .page_queries import HourBucket

WIDTH, HEIGHT = 960, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 28  # room for the axis labels
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    ok_y: float
    ok_h: float
    fail_y: float
    fail_h: float
    label: str
    tick: str
    bucket: HourBucket


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5, 10, 20, 50, ...)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def success_chart(buckets: list[HourBucket]) -> dict:
    top = _nice_max(max((b.total for b in buckets), default=0))
    slot = PLOT_W / max(len(buckets), 1)
    bar_w = round(slot * 0.7, 2)
    bars = []
    for index, bucket in enumerate(buckets):
        ok_h = round(PLOT_H * bucket.succeeded / top, 2)
        fail_h = round(PLOT_H * bucket.failed / top, 2)
        ok_y = TOP + PLOT_H - ok_h
        hour = bucket.start.strftime("%H:00")
        bars.append(
            Bar(
                x=round(LEFT + index * slot + (slot - bar_w) / 2, 2), width=bar_w,
                ok_y=round(ok_y, 2), ok_h=ok_h, fail_y=round(ok_y - fail_h, 2), fail_h=fail_h,
                label=f"{hour} UTC: {bucket.succeeded} succeeded, {bucket.failed} failed",
                tick=hour if index % 6 == 0 or index == len(buckets) - 1 else "",
                bucket=bucket,
            )
        )
    succeeded = sum(b.succeeded for b in buckets)
    failed = sum(b.failed for b in buckets)
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
        "top": TOP, "baseline": TOP + PLOT_H, "plot_h": PLOT_H, "mid_y": TOP + PLOT_H / 2,
        "label_y": HEIGHT - 8, "max": top, "mid": top / 2 if top % 2 else top // 2,
        "bars": bars, "succeeded": succeeded, "failed": failed,
        "center_x": LEFT + PLOT_W / 2, "center_y": TOP + PLOT_H / 2,
        "rate": round(100 * succeeded / (succeeded + failed)) if succeeded + failed else None,
    }
