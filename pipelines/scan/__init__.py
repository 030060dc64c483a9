"""`vaultwatch scan`: ingest recordings, measure them, and find continuity problems.

The pipeline is I/O at the edges around the pure checks of `analyzer.continuity`: files are
hashed and probed, packets read, sampled frames decoded to small grey pictures, and the
resulting timelines handed to the checks, one camera at a time.

- `options`: what the scan is told, and which camera and room each file belongs to;
- `recording`: one recording analysed (`analyse_recording`);
- `signal_meter`: the picture signals and the view comparison;
- `recheck`: frozen-looking keyframe-only stretches measured again;
- `files`: a batch of files (`scan_files`);
- `progress`: seconds of video done, for a progress bar.
"""

from pipelines.scan.files import ScanResult, scan_files, unreadable_finding
from pipelines.scan.options import ScanOptions, camera_for, site_for_files
from pipelines.scan.progress import Progress
from pipelines.scan.recording import RecordingAnalysis, analyse_recording

__all__ = [
    "Progress",
    "RecordingAnalysis",
    "ScanOptions",
    "ScanResult",
    "analyse_recording",
    "camera_for",
    "scan_files",
    "site_for_files",
    "unreadable_finding",
]
