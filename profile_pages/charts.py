"""Geometry for the profile page's server-rendered SVG chart (no JS, no chart library).

Two shapes of the same data: a wide one for laptops and a taller, narrower one for phones
(the wide one scaled down to a phone is 57 px tall with unreadable labels); CSS shows one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils import timezone

from .queries import HourBucket


@dataclass(frozen=True)
class Shape:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    tick_every: int  # hours between x-axis labels


WIDE = Shape(width=960, height=170, left=44, right=8, top=12, bottom=28, tick_every=6)
NARROW = Shape(width=360, height=220, left=34, right=6, top=12, bottom=30, tick_every=8)


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
    # The last label ends at its bar, so it never runs past the chart's right edge.
    tick_x: float = 0
    tick_anchor: str = "start"


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5, 10, 20, 50, ...)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _bar_label(hour: str, bucket: HourBucket) -> str:
    zone = timezone.get_current_timezone_name()
    text = f"{hour} {zone}: {bucket.succeeded} succeeded, {bucket.failed} failed"
    return f"{text}, {bucket.retrying} retrying" if bucket.retrying else text


def success_chart(buckets: list[HourBucket], shape: Shape = WIDE) -> dict:
    plot_w = shape.width - shape.left - shape.right
    plot_h = shape.height - shape.top - shape.bottom
    top = _nice_max(max((b.total for b in buckets), default=0))
    slot = plot_w / max(len(buckets), 1)
    bar_w = round(slot * 0.7, 2)
    bars = []
    for index, bucket in enumerate(buckets):
        ok_h = round(plot_h * bucket.succeeded / top, 2)
        fail_h = round(plot_h * bucket.failing / top, 2)
        ok_y = shape.top + plot_h - ok_h
        hour = bucket.start.strftime("%H:00")
        last = index == len(buckets) - 1
        bars.append(
            Bar(
                x=round(shape.left + index * slot + (slot - bar_w) / 2, 2), width=bar_w,
                ok_y=round(ok_y, 2), ok_h=ok_h, fail_y=round(ok_y - fail_h, 2), fail_h=fail_h,
                label=_bar_label(hour, bucket),
                tick=hour if index % shape.tick_every == 0 or last else "",
                bucket=bucket,
                tick_x=round(shape.left + (index + 1) * slot, 2) if last
                else round(shape.left + index * slot + (slot - bar_w) / 2, 2),
                tick_anchor="end" if last else "start",
            )
        )
    succeeded = sum(b.succeeded for b in buckets)
    failed = sum(b.failed for b in buckets)
    retrying = sum(b.retrying for b in buckets)
    failing = failed + retrying
    return {
        "width": shape.width, "height": shape.height, "left": shape.left,
        "right": shape.width - shape.right, "top": shape.top, "baseline": shape.top + plot_h,
        "plot_h": plot_h, "mid_y": shape.top + plot_h / 2, "label_y": shape.height - 8,
        "max": top, "mid": top / 2 if top % 2 else top // 2,
        "bars": bars, "succeeded": succeeded, "failed": failed, "retrying": retrying,
        "failing": failing,
        "center_x": shape.left + plot_w / 2, "center_y": shape.top + plot_h / 2,
        "rate": round(100 * succeeded / (succeeded + failing)) if succeeded + failing else None,
    }
