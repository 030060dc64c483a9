// The finding page's player: start at the flagged second, and box people and bundles on a
// canvas over the video when asked (detections fetched for the second on screen).
(function () {
  "use strict";
  const video = document.getElementById("player");
  if (!video) { return; }
  const canvas = document.getElementById("boxes");
  const toggle = document.getElementById("show-boxes");
  const flagged = parseFloat(video.dataset.flagged);
  const clipStart = parseFloat(video.dataset.clipStart);
  let lastAsked = null;

  function startAtFlaggedSecond() {
    video.currentTime = flagged;
    // Autoplay of a muted video is allowed; an inspector pressing play works either way.
    const playing = video.play();
    if (playing) { playing.catch(function () {}); }
  }
  if (video.readyState >= 1) { startAtFlaggedSecond(); }
  else { video.addEventListener("loadedmetadata", startAtFlaggedSecond, { once: true }); }

  function draw(result) {
    canvas.width = video.clientWidth;
    canvas.height = video.clientHeight;
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (!toggle.checked) { return; }
    g.lineWidth = 2;
    g.font = "12px sans-serif";
    for (const found of result.objects) {
      const [x1, y1, x2, y2] = found.box;
      const x = x1 * canvas.width, y = y1 * canvas.height;
      g.strokeStyle = found.label === "person" ? "#1f6feb" : "#f0b400";
      g.strokeRect(x, y, (x2 - x1) * canvas.width, (y2 - y1) * canvas.height);
      g.fillStyle = g.strokeStyle;
      g.fillText(found.label + " " + found.confidence.toFixed(2), x + 2, Math.max(y - 3, 10));
    }
  }

  function refresh() {
    if (!toggle.checked) { draw({ objects: [] }); return; }
    const second = Math.round((clipStart + video.currentTime) * 2) / 2;
    if (second === lastAsked) { return; }
    lastAsked = second;
    fetch(video.dataset.detections + "?at=" + second.toFixed(3), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { objects: [] }; })
      .then(draw)
      .catch(function () { draw({ objects: [] }); });
  }
  video.addEventListener("timeupdate", refresh);
  video.addEventListener("seeked", refresh);
  toggle.addEventListener("change", function () { lastAsked = null; refresh(); });
  window.addEventListener("resize", function () { lastAsked = null; refresh(); });
})();
