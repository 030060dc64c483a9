# VaultWatch service and scanner image. Builds offline from a wheelhouse when PIP_FIND_LINKS
# points at one (classified networks have no package index).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VAULTWATCH_HOME=/var/lib/vaultwatch

# No ffmpeg: PyAV's wheel brings its own FFmpeg libraries, and clips are cut by stream copy
# through it. libgl1 and libglib2.0-0: the opencv-python wheel links against them.
# fonts-wqy-zenhei: the Chinese evidence report (report.pdf) and daily report.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 fonts-wqy-zenhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/vaultwatch
COPY pyproject.toml constraints.txt README.md ARCHITECTURE.md RULES.md LICENSE NOTICE ./
COPY analyzer ./analyzer
COPY models ./models
COPY pipelines ./pipelines
COPY api ./api
COPY sample_videos ./sample_videos
RUN pip install --no-cache-dir -c constraints.txt .

RUN useradd --system --home-dir /var/lib/vaultwatch --create-home vaultwatch
USER vaultwatch
VOLUME ["/var/lib/vaultwatch"]

# The review service: `docker run -p 8000:8000 -v /data/nvr:/media:ro IMAGE serve --host 0.0.0.0
# --media-root /media --site /media/site.yaml` (first user: `IMAGE users add NAME --role admin`).
EXPOSE 8000
ENTRYPOINT ["vaultwatch"]
CMD ["scan", "sample_videos", "--site", "sample_videos/site.yaml"]
