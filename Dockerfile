# VaultWatch service and scanner image. Builds offline from a wheelhouse when PIP_FIND_LINKS
# points at one (classified networks have no package index).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAULTWATCH_HOME=/var/lib/vaultwatch

# ffmpeg: stream-copy clips for review and evidence; PyAV brings its own libraries for decoding.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/vaultwatch
COPY pyproject.toml README.md ARCHITECTURE.md ./
COPY analyzer ./analyzer
COPY models ./models
COPY pipelines ./pipelines
COPY api ./api
COPY sample_videos ./sample_videos
RUN pip install --no-cache-dir .

RUN useradd --system --home-dir /var/lib/vaultwatch --create-home vaultwatch
USER vaultwatch
VOLUME ["/var/lib/vaultwatch"]

ENTRYPOINT ["vaultwatch"]
CMD ["scan", "sample_videos", "--site", "sample_videos/site.yaml"]
