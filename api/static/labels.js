// The finding page's bundle box editor: the finding's picture at full size with the boxes to
// start from (saved ones, else the bundle model's). Drag on an empty spot to draw a box, drag
// a box to move it, select one and press Delete (or the button) to remove it, then save: the
// boxes go to PUT /api/findings/{id}/label-frame in pixels of the picture. No libraries: the
// service runs on networks without internet.
(function () {
  "use strict";
  const section = document.getElementById("labelling");
  if (!section) { return; }
  const image = document.getElementById("label-image");
  const canvas = document.getElementById("label-canvas");
  const source = document.getElementById("label-source");
  const count = document.getElementById("label-count");
  const status = document.getElementById("label-status");
  const removeButton = document.getElementById("label-delete");
  const saveButton = document.getElementById("label-save");
  const words = JSON.parse(document.getElementById("label-words").textContent);
  const mayEdit = section.dataset.mayEdit === "1";
  // Smaller than this (pixels of the picture) is a click, not a box.
  const MIN_SIZE = 4;

  let frame = null;     // the API's LabelFramePublic
  let boxes = [];       // [[x1, y1, x2, y2], ...] in pixels of the picture
  let selected = -1;
  let drag = null;      // {mode: "move" | "draw", start: [x, y], origin: box}
  let dirty = false;

  function clamp(v, low, high) { return Math.min(Math.max(v, low), high); }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }

  // Pointer position in pixels of the picture (the canvas covers the picture exactly).
  function pointOf(event) {
    const r = canvas.getBoundingClientRect();
    return [
      clamp((event.clientX - r.left) * frame.width / r.width, 0, frame.width),
      clamp((event.clientY - r.top) * frame.height / r.height, 0, frame.height),
    ];
  }

  function boxFrom(a, b) {
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
  }

  function hit(p) {
    // The last drawn is on top: pick it first.
    for (let i = boxes.length - 1; i >= 0; i -= 1) {
      const b = boxes[i];
      if (p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3]) { return i; }
    }
    return -1;
  }

  function describe() {
    if (frame.labelled) {
      const saved = frame.labelled;
      return fill(words.from_labelled, {
        who: saved.labelled_by, when: new Date(saved.labelled_at).toLocaleString(),
        model: saved.started_from,
      });
    }
    return frame.source === "detector" ? fill(words.from_detector, { model: frame.bundle_model })
      : words.from_none;
  }

  function draw() {
    canvas.width = image.clientWidth;
    canvas.height = image.clientHeight;
    const s = canvas.width / frame.width;
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, canvas.width, canvas.height);
    const shown = drag && drag.mode === "draw" && drag.box ? boxes.concat([drag.box]) : boxes;
    shown.forEach(function (b, i) {
      g.lineWidth = i === selected ? 3 : 2;
      g.strokeStyle = i === selected ? "#ff2d55" : "#f0b400";
      g.strokeRect(b[0] * s, b[1] * s, (b[2] - b[0]) * s, (b[3] - b[1]) * s);
    });
    count.textContent = boxes.length + " " + words.boxes + (dirty ? " · " + words.unsaved : "");
    if (removeButton) { removeButton.disabled = selected < 0; }
    canvas.dataset.boxes = JSON.stringify(boxes);
    canvas.dataset.selected = String(selected);
  }

  function changed() { dirty = true; status.textContent = ""; status.className = ""; draw(); }

  function removeSelected() {
    if (selected < 0) { return; }
    boxes.splice(selected, 1);
    selected = -1;
    changed();
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (!mayEdit || !frame) { return; }
    event.preventDefault();
    canvas.focus();
    const p = pointOf(event);
    const i = hit(p);
    selected = i;
    drag = i >= 0 ? { mode: "move", start: p, origin: boxes[i].slice() }
      : { mode: "draw", start: p, box: null };
    canvas.setPointerCapture(event.pointerId);
    draw();
  });

  canvas.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    const p = pointOf(event);
    if (drag.mode === "move") {
      const o = drag.origin;
      // The whole box stays inside the picture.
      const dx = clamp(p[0] - drag.start[0], -o[0], frame.width - o[2]);
      const dy = clamp(p[1] - drag.start[1], -o[1], frame.height - o[3]);
      boxes[selected] = [o[0] + dx, o[1] + dy, o[2] + dx, o[3] + dy];
      if (dx !== 0 || dy !== 0) { dirty = true; }
    } else {
      drag.box = boxFrom(drag.start, p);
    }
    draw();
  });

  function endDrag() {
    if (!drag) { return; }
    const box = drag.box;
    const moved = drag.mode === "move";
    drag = null;
    if (box && box[2] - box[0] >= MIN_SIZE && box[3] - box[1] >= MIN_SIZE) {
      boxes.push(box);
      selected = boxes.length - 1;
      changed();
    } else if (moved && dirty) {
      changed();
    } else {
      draw();
    }
  }
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);

  document.addEventListener("keydown", function (event) {
    const typing = event.target instanceof HTMLInputElement
      || event.target instanceof HTMLTextAreaElement;
    if (!mayEdit || typing || selected < 0) { return; }
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      removeSelected();
    }
  });
  if (removeButton) { removeButton.addEventListener("click", removeSelected); }

  if (saveButton) {
    saveButton.addEventListener("click", function () {
      const body = {
        boxes: boxes.map(function (b) { return b.map(function (v) { return Math.round(v * 100) / 100; }); }),
      };
      saveButton.disabled = true;
      fetch(section.dataset.frame, {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        if (!result.ok) { throw new Error(result.data.error ? result.data.error.message : "?"); }
        frame.labelled = result.data;
        boxes = result.data.boxes;
        dirty = false;
        status.textContent = words.saved;
        status.className = "saved";
        source.textContent = describe();
      }).catch(function (error) {
        status.textContent = words.failed + ": " + error.message;
        status.className = "failed";
      }).then(function () {
        saveButton.disabled = false;
        draw();
      });
    });
  }

  fetch(section.dataset.frame, { credentials: "same-origin" })
    .then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error ? data.error.message : String(r.status)); }
        return data;
      });
    })
    .then(function (data) {
      frame = data;
      boxes = data.boxes.map(function (b) { return b.slice(); });
      source.textContent = describe();
      image.addEventListener("load", function () { section.dataset.ready = "1"; draw(); });
      image.src = data.image;
    })
    .catch(function (error) {
      source.textContent = error.message;
      if (saveButton) { saveButton.disabled = true; }
    });
  window.addEventListener("resize", function () { if (frame && image.complete) { draw(); } });
})();
