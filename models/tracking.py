"""Multi-object tracking: stable identities for people and bundles across analysed frames.

ByteTrack from the maintained `trackers` package, fed and read through `Detections`. Each
object class gets its own tracker, so a person box is never matched to a bundle box.
"""

from __future__ import annotations

import warnings

import numpy as np
import supervision as sv

from analyzer.detections import Detections, ObjectClass

with warnings.catch_warnings():
    # trackers imports optional parts that warn about absent extras; none are used here.
    warnings.simplefilter("ignore")
    from trackers import ByteTrackTracker


class ObjectTracker:
    """Assigns `tracker_id` to detections, frame after frame, by presentation time.

    Times (seconds, increasing) make tracking right for sampled and variable-rate video: a
    track survives `lost_after_s` seconds without a matching box, whatever the frame rate.
    A track gets an id only after `confirm_frames` consecutive matches, which drops one-frame
    false boxes; unconfirmed and unmatched boxes keep tracker_id -1.
    """

    def __init__(self, *, lost_after_s: float = 2.0, confirm_frames: int = 2) -> None:
        self._lost_after_s = lost_after_s
        self._confirm_frames = confirm_frames
        self._trackers = {object_class: self._new() for object_class in ObjectClass}

    def _new(self) -> ByteTrackTracker:
        # The library counts its buffer in frames of a 30 fps reference clock.
        return ByteTrackTracker(
            lost_track_buffer=max(1, round(self._lost_after_s * 30)),
            frame_rate=30.0,
            minimum_consecutive_frames=self._confirm_frames,
            track_activation_threshold=0.25,
            high_conf_det_threshold=0.5,
        )

    def reset(self) -> None:
        self._trackers = {object_class: self._new() for object_class in ObjectClass}

    def update(self, detections: Detections, time_s: float) -> Detections:
        """The same boxes (possibly reordered) with tracker ids for those on a track."""
        parts = []
        for object_class, tracker in self._trackers.items():
            mine = detections[detections.class_id == object_class]
            tracked = tracker.update(
                sv.Detections(
                    xyxy=mine.xyxy.astype(np.float32),
                    confidence=mine.confidence.astype(np.float32),
                    class_id=mine.class_id.astype(int),
                ),
                timestamp=time_s,
            )
            ids = np.asarray(tracked.tracker_id, np.int64).reshape(-1)
            # Each class has its own tracker and id sequence; interleave them so an id names
            # one object whatever its class.
            ids = np.where(ids >= 0, ids * len(ObjectClass) + int(object_class), -1)
            parts.append(
                Detections.from_arrays(
                    tracked.xyxy.reshape(-1, 4),
                    np.asarray(
                        tracked.confidence if tracked.confidence is not None else [], np.float32
                    ).reshape(-1),
                    np.full(len(tracked), int(object_class), np.int64),
                    ids,
                )
            )
        return Detections.merge(parts)
