"""The media layer on real files through real decoders (PyAV / FFmpeg)."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines import media
from tests.clips import noisy_scene, regular, write_clip

pytestmark = pytest.mark.video


@pytest.mark.parametrize(
    ("suffix", "container", "codec"),
    [
        (".mp4", None, "libx264"),
        (".mkv", None, "libx264"),
        (".ts", "mpegts", "libx264"),
        (".avi", None, "mpeg4"),
        (".mov", None, "libx264"),
    ],
)
def test_probe_and_sample_common_containers(tmp_path, suffix, container, codec):
    path = write_clip(
        tmp_path / f"clip{suffix}", regular(4, 10), noisy_scene(), codec=codec, container=container
    )
    info = media.probe(path)
    assert (info.width, info.height, info.rotation) == (320, 180, 0)
    assert info.fps == pytest.approx(10, rel=0.05)
    assert info.duration_s == pytest.approx(4.0, abs=0.15)
    packets = media.read_packets(path)
    assert len(packets) == 40
    assert np.all(np.diff(packets.time) > 0)
    stats = media.DecodeStats()
    frames = list(media.iter_frames(path, every_s=0.5, stats=stats))
    assert [round(f.time, 2) for f in frames] == [i * 0.5 for i in range(8)]
    assert frames[0].gray(160).shape == (90, 160)
    assert frames[-1].bgr().shape == (180, 320, 3)
    assert stats.frames == 40 and stats.errors == 0
    assert stats.decoded_to_s == pytest.approx(4.0, abs=0.01)


def test_variable_frame_rate_keeps_real_timestamps(tmp_path):
    rng = np.random.default_rng(3)
    times = list(np.round(np.cumsum(rng.uniform(0.05, 0.09, 60)), 3))
    path = write_clip(tmp_path / "vfr.mp4", times, noisy_scene())
    frames = list(media.iter_frames(path, every_s=0.0))
    assert [f.time for f in frames] == pytest.approx(np.asarray(times) - times[0], abs=1e-3)


def test_sampling_follows_time_not_frame_count(tmp_path):
    # 30 fps for 2 s then 5 fps for 2 s: a 1-per-second sample must still land once a second
    times = regular(2, 30) + regular(2, 5, start=2.0)
    path = write_clip(tmp_path / "mixed.mp4", times, noisy_scene(), rate=30)
    sampled = list(media.iter_frames(path, every_s=1.0))
    assert [round(f.time, 2) for f in sampled] == [0.0, 1.0, 2.0, 3.0]


def test_rotation_metadata_is_applied(tmp_path):
    def paint(index: int, time: float) -> np.ndarray:
        image = np.zeros((180, 320, 3), np.uint8)
        image[:, :40] = 255  # a white band on the left of the stored picture
        return image

    path = write_clip(tmp_path / "phone.mp4", regular(1, 10), paint, rotation=-90)
    info = media.probe(path)
    assert info.rotation == 90
    assert (info.width, info.height) == (180, 320)
    frame = next(media.iter_frames(path, every_s=1))
    image = frame.bgr()
    assert image.shape == (320, 180, 3)
    # turned a quarter clockwise, the left band is now on top
    assert image[:30].mean() > 200 and image[-100:].mean() < 30
    assert frame.gray(90).shape == (160, 90)


def test_truncated_file_decodes_to_its_last_frame(tmp_path):
    whole = write_clip(tmp_path / "whole.mp4", regular(10, 10), noisy_scene())
    # moov at the front (as NVRs and 'faststart' write it) so a cut copy still opens
    faststart = tmp_path / "faststart.mp4"
    import av

    with (
        av.open(str(whole)) as source,
        av.open(str(faststart), "w", options={"movflags": "+faststart"}) as target,
    ):
        stream = target.add_stream_from_template(source.streams.video[0])
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is None:
                continue
            packet.stream = stream
            target.mux(packet)
    data = faststart.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    info = media.probe(cut)
    assert info.duration_s == pytest.approx(10, abs=0.15)
    stats = media.DecodeStats()
    for _ in media.iter_frames(cut, every_s=1, stats=stats):
        pass
    assert 1.0 < stats.decoded_to_s < 9.0


def test_damaged_packets_are_counted_and_decoding_goes_on(tmp_path):
    path = write_clip(tmp_path / "clip.mkv", regular(6, 10), noisy_scene())
    data = bytearray(path.read_bytes())
    # zero 40-byte runs through the middle of the file, as a failing disk leaves them
    for offset in range(int(len(data) * 0.4), int(len(data) * 0.6), 700):
        data[offset : offset + 40] = bytes(40)
    damaged = tmp_path / "damaged.mkv"
    damaged.write_bytes(bytes(data))
    stats = media.DecodeStats()
    frames = list(media.iter_frames(damaged, every_s=0.1, stats=stats))
    assert stats.errors > 0
    assert frames[-1].time == pytest.approx(5.9)  # went on past the damage


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"this is a text file, not video\n" * 10, "not a readable video container"),
    ],
)
def test_unreadable_files_say_why(tmp_path, content, message):
    path = tmp_path / "bad.mp4"
    path.write_bytes(content)
    with pytest.raises(media.UnreadableMedia, match=message):
        media.probe(path)


def test_mp4_without_index_is_unreadable(tmp_path):
    whole = write_clip(tmp_path / "whole.mp4", regular(3, 10), noisy_scene())
    data = whole.read_bytes()
    moov = data.rfind(b"moov")
    assert moov > len(data) // 2  # the index is at the end, as a recorder writes it
    (tmp_path / "unfinished.mp4").write_bytes(data[: moov - 4])
    with pytest.raises(media.UnreadableMedia, match="moov|index|not a readable"):
        media.probe(tmp_path / "unfinished.mp4")


def test_frame_at_returns_the_picture_shown_then(tmp_path):
    def paint(index: int, time: float) -> np.ndarray:
        return np.full((90, 160, 3), index * 4, np.uint8)

    path = write_clip(tmp_path / "ramp.mp4", regular(5, 10), paint)
    image = media.frame_at(path, 2.5)
    assert image is not None and image.shape == (90, 160, 3)
    assert abs(float(image.mean()) - 25 * 4) < 6


def test_a_window_decodes_only_the_frames_shown_in_it(tmp_path):
    def paint(index: int, time: float) -> np.ndarray:
        return np.full((90, 160, 3), index * 4, np.uint8)

    path = write_clip(tmp_path / "ramp.mp4", regular(6, 10), paint, gop=10)
    frames = list(media.iter_frames(path, every_s=0.0, window=(2.0, 3.5)))
    assert [round(f.time, 1) for f in frames] == [round(2.0 + i / 10, 1) for i in range(15)]
    assert abs(float(frames[0].bgr().mean()) - 20 * 4) < 6


def test_gop_heads_give_the_first_frames_of_each_gop(tmp_path):
    def paint(index: int, time: float) -> np.ndarray:
        return np.full((90, 160, 3), index * 4, np.uint8)

    path = write_clip(tmp_path / "ramp.mp4", regular(6, 10), paint, gop=10)
    heads = list(media.gop_heads(path, [1.0, 4.0, 5.9], 0.6, 0.2))
    # 0.2 s apart from each keyframe, up to 0.6 s after it; the last "GOP" at 5.9 s has no
    # frame after it in the clip: nothing for it
    assert [[round(f.time, 1) for f in frames] for frames in heads] == [
        [1.0, 1.2, 1.4, 1.6],
        [4.0, 4.2, 4.4, 4.6],
    ]
    first, later = heads[1][0], heads[1][1]
    assert abs(float(later.bgr().mean()) - float(first.bgr().mean()) - 2 * 4) < 3


def test_originals_are_never_written(tmp_path):
    path = write_clip(tmp_path / "clip.mp4", regular(2, 10), noisy_scene())
    path.chmod(0o444)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    media.probe(path)
    media.read_packets(path)
    list(media.iter_frames(path, every_s=0.5))
    list(media.gop_heads(path, [0.0, 1.0], 0.6, 0.2))
    media.frame_at(path, 1.0)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_narrower_thumbnail_is_scaled_from_the_one_made_before(tmp_path, monkeypatch):
    path = write_clip(tmp_path / "clip.mp4", regular(1.0, 10.0), noisy_scene(640, 360, seed=2))
    widths: list[int | None] = []
    convert = media._convert

    def counted(frame, pixel_format, width):
        widths.append(width)
        return convert(frame, pixel_format, width)

    for frame in media.iter_frames(path, every_s=0.5):
        direct = frame.gray(96)
        monkeypatch.setattr(media, "_convert", counted)
        frame.gray(160)
        derived = frame.gray(96)
        monkeypatch.setattr(media, "_convert", convert)
        assert widths == [160]  # the picture itself was scaled once
        widths.clear()
        assert derived.shape == direct.shape
        # the same picture within rounding (one AREA scaling after the other)
        assert np.abs(derived.astype(int) - direct.astype(int)).mean() < 2.0
