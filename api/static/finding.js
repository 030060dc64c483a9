// The finding page's player: start at the flagged second, box people and bundles on a
// canvas over the video when asked (detections fetched for the second on screen), and report
// what was really played (V12: a block of footage is checked only when played through).
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
  // What the video element played (its `played` ranges, seconds from the clip's first
  // picture) goes to the service when playback pauses or ends and when the page is left;
  // each report holds only what earlier ones did not, so a stretch is recorded once.
  const reportTo = video.dataset.played;
  let reported = [];

  function playedRanges() {
    const ranges = [];
    for (let i = 0; i < video.played.length; i++) {
      ranges.push([video.played.start(i), video.played.end(i)]);
    }
    return ranges;
  }

  // `ranges` less `taken` (both sorted, disjoint), dropping slivers under 10 ms.
  function without(ranges, taken) {
    const left = [];
    for (const [start, end] of ranges) {
      let from = start;
      for (const [a, b] of taken) {
        if (b <= from || a >= end) { continue; }
        if (a > from) { left.push([from, a]); }
        from = Math.max(from, b);
      }
      if (end > from) { left.push([from, end]); }
    }
    return left.filter(function (r) { return r[1] - r[0] >= 0.01; });
  }

  function reportPlayed() {
    const all = playedRanges();
    const fresh = without(all, reported);
    if (!reportTo || fresh.length === 0) { return; }
    const before = reported;
    reported = all;
    // Not recorded: the next report sends these ranges again.
    function retryLater() { reported = before; }
    fetch(reportTo, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true, // the page may be going away
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ranges: fresh.map(function (r) { return { start: r[0], end: r[1] }; }) }),
    }).then(function (r) { if (!r.ok) { retryLater(); } }).catch(retryLater);
  }
  video.addEventListener("pause", reportPlayed);
  video.addEventListener("ended", reportPlayed);
  window.addEventListener("pagehide", reportPlayed);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { reportPlayed(); }
  });

  video.addEventListener("timeupdate", refresh);
  video.addEventListener("seeked", refresh);
  toggle.addEventListener("change", function () { lastAsked = null; refresh(); });
  window.addEventListener("resize", function () { lastAsked = null; refresh(); });
})();
