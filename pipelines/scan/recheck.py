"""Keyframe-only stretches that look frozen, measured again as the every-frame path would."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analyzer import continuity
from analyzer.gating import GopPlan, recheck_windows
from analyzer.intervals import StreamSpan
from analyzer.signals import FrameSignals
from analyzer.thresholds import ContinuityThresholds
from analyzer.view import ViewReference, sparse_problems
from pipelines import media
from pipelines.scan.signal_meter import SignalMeter, fixed_view

# Re-check windows decoded at once. Two threads keep both cores busy: FFmpeg decodes
# without holding the GIL. (A decoder thread running ahead of the analysis did not pay: the
# analysis takes the GIL back between every two packets.)
RECHECK_THREADS = 2
# Seconds after each keyframe of a frozen-looking stretch decoded first: a change there splits
# the stretch without decoding its GOPs in full.
HEAD_PROBE_S = 0.6


def recheck_still_stretches(
    path: Path,
    signals: FrameSignals,
    plan: GopPlan,
    decoded_to_s: float,
    every_s: float,
    thresholds: ContinuityThresholds,
    reference: ViewReference | None,
) -> tuple[FrameSignals, float]:
    """Measure again, as the every-frame path would, the keyframe-only stretches that look
    frozen. Returns the signals and the seconds decoded in full for it. The pictures are
    compared with `reference`, the view the whole recording is compared with.

    Keyframes seconds apart of a live camera whose encoder smoothed the sensor noise away can
    differ as little as a frozen picture's. First the first `HEAD_PROBE_S` of each suspect GOP
    is decoded, sampled every `every_s`: a change there is one the every-frame path sees too
    (the same pairs of samples), and it splits the stretch. Only what is still long enough to
    be frozen is then decoded in full, so a frozen stretch is reported with the every-frame
    path's boundaries.
    """
    suspects = _frozen_suspects(signals, decoded_to_s, thresholds)
    windows = recheck_windows(plan, suspects, decoded_to_s)
    if not windows:
        return signals, 0.0
    static = [
        float(start)
        for start, full in zip(plan.start, plan.full, strict=True)
        if not full and any(a <= start < b for a, b in windows)
    ]
    for frames in media.gop_heads(path, static, HEAD_PROBE_S, every_s):
        head = SignalMeter(0.0, fixed_view(reference, thresholds))  # sampled already
        for frame in frames:
            head.take(frame)
        # The keyframe's row is there already; the others carry the changes between pairs.
        signals = signals.with_rows(FrameSignals(*(c[1:] for c in head.finish().columns)))
    suspects = _frozen_suspects(signals, decoded_to_s, thresholds)
    windows = recheck_windows(plan, suspects, decoded_to_s)

    def measure(window: StreamSpan) -> FrameSignals:
        meter = SignalMeter(every_s, fixed_view(reference, thresholds))
        for frame in media.iter_frames(path, every_s=every_s, window=window):
            meter.take(frame)
        return meter.finish()

    # Windows are independent: two at a time keep both cores decoding.
    with ThreadPoolExecutor(RECHECK_THREADS, thread_name_prefix="recheck") as pool:
        measured = list(pool.map(measure, windows))
    for (start, end), inner in zip(windows, measured, strict=True):
        signals = signals.spliced(start, end, inner)
    return signals, sum(end - start for start, end in windows)


def _frozen_suspects(
    signals: FrameSignals, decoded_to_s: float, thresholds: ContinuityThresholds
) -> list[StreamSpan]:
    return [
        StreamSpan(interval.start, interval.end)
        for interval in continuity.frozen_intervals(signals, decoded_to_s, thresholds)
    ] + sparse_problems(signals, decoded_to_s, thresholds)  # a covered lens between keyframes
