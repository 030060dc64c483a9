"""Pure analysis: data types, continuity checks and compliance rules.

Nothing in this package opens files, decodes video or touches a database; every function takes
timelines (numpy arrays and dataclasses) and returns findings, so it is tested without video.
"""

ANALYZER_VERSION = "0.2.0"
