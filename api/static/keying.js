// The keying station: the current entry's row highlighted on the page and enlarged above it, a form driven from
// the keyboard, completions, checks while typing, and a built-in Telex / VNI input method (NFC output).
// The arbitration page uses only the row display.
(function () {
  "use strict";

  // ---- Vietnamese input: Telex and VNI -----------------------------------------------------------------
  var TONES = { "\u0301": 1, "\u0300": 1, "\u0309": 1, "\u0303": 1, "\u0323": 1 };
  var MODS = { "\u0302": 1, "\u0306": 1, "\u031b": 1 }; // circumflex, breve, horn
  var TELEX_TONE = { s: "\u0301", f: "\u0300", r: "\u0309", x: "\u0303", j: "\u0323", z: "" };
  var VNI_TONE = { "1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323", "0": "" };

  function parts(ch) { // "ấ" → {base: "a", mod: "\u0302", tone: "\u0301"}
    var d = ch.normalize("NFD"), p = { base: d.charAt(0), mod: "", tone: "" };
    for (var i = 1; i < d.length; i++) {
      if (TONES[d.charAt(i)]) p.tone = d.charAt(i); else if (MODS[d.charAt(i)]) p.mod = d.charAt(i);
    }
    return p;
  }
  function make(p) { return (p.base + p.mod + p.tone).normalize("NFC"); }
  function isVowel(ch) { return "aeiouy".indexOf(parts(ch).base.toLowerCase()) >= 0; }

  function cluster(w) { // indices of the word's vowel nucleus (qu-, gi- count as consonants before a vowel)
    var end = -1, i;
    for (i = w.length - 1; i >= 0; i--) { if (isVowel(w.charAt(i))) { end = i; break; } }
    if (end < 0) return [];
    var start = end;
    while (start > 0 && isVowel(w.charAt(start - 1))) start--;
    var lower = w.toLowerCase(), idx = [];
    for (i = start; i <= end; i++) idx.push(i);
    if (idx.length > 1 && start > 0) {
      var b0 = parts(lower.charAt(start)).base, prev = lower.charAt(start - 1);
      if ((b0 === "u" && prev === "q") || (b0 === "i" && prev === "g" && !parts(lower.charAt(start)).tone)) idx.shift();
    }
    return idx;
  }
  function toneTarget(w) {
    var idx = cluster(w);
    if (!idx.length) return -1;
    for (var k = idx.length - 1; k >= 0; k--) { if (parts(w.charAt(idx[k])).mod) return idx[k]; }
    if (idx.length === 1) return idx[0];
    if (idx[idx.length - 1] < w.length - 1) return idx[idx.length - 1]; // a final consonant: the last vowel
    return idx.length === 3 ? idx[1] : idx[0]; // hòa, thủy, người (old style)
  }
  function currentTone(w) {
    for (var i = 0; i < w.length; i++) { var p = parts(w.charAt(i)); if (p.tone) return { at: i, tone: p.tone }; }
    return null;
  }
  function setChar(w, i, p) { return w.slice(0, i) + make(p) + w.slice(i + 1); }
  function withoutTone(w) {
    var t = currentTone(w);
    if (!t) return w;
    var p = parts(w.charAt(t.at)); p.tone = "";
    return setChar(w, t.at, p);
  }
  function placeTone(w) { // after any change the tone moves to where the spelling rules put it
    var t = currentTone(w);
    if (!t) return w;
    var bare = withoutTone(w), at = toneTarget(bare);
    if (at < 0) return w;
    var p = parts(bare.charAt(at)); p.tone = t.tone;
    return setChar(bare, at, p);
  }
  function tone(w, mark, key) {
    var at = toneTarget(withoutTone(w)), had = currentTone(w);
    if (at < 0) return null;
    if (mark === "") return had ? withoutTone(w) : null;
    if (had && had.tone === mark) return withoutTone(w) + key; // pressed twice: the letter itself
    var bare = withoutTone(w), p = parts(bare.charAt(at)); p.tone = mark;
    return setChar(bare, at, p);
  }
  function modify(w, bases, mod, key) { // the last vowel with one of ``bases`` takes ``mod`` (again: undone)
    var idx = cluster(w);
    if (mod === "\u031b") { // horn: "uo" → "ươ" together
      for (var k = 0; k + 1 < idx.length; k++) {
        var a = parts(w.charAt(idx[k])), b = parts(w.charAt(idx[k + 1]));
        if (a.base.toLowerCase() === "u" && b.base.toLowerCase() === "o") {
          if (a.mod === mod && b.mod === mod) { a.mod = ""; b.mod = ""; return setChar(setChar(w, idx[k], a), idx[k + 1], b) + key; }
          a.mod = mod; b.mod = mod;
          return placeTone(setChar(setChar(w, idx[k], a), idx[k + 1], b));
        }
      }
    }
    for (var j = idx.length - 1; j >= 0; j--) {
      var p = parts(w.charAt(idx[j]));
      if (bases.indexOf(p.base.toLowerCase()) >= 0) {
        if (p.mod === mod) { p.mod = ""; return setChar(w, idx[j], p) + key; }
        p.mod = mod;
        return placeTone(setChar(w, idx[j], p));
      }
    }
    return null;
  }
  function stroke(w, key) { // dd → đ, d9 → đ (the word's first letter)
    var c = w.charAt(0);
    if (c === "d" || c === "D") return (c === "d" ? "đ" : "Đ") + w.slice(1);
    if (c === "đ" || c === "Đ") return (c === "đ" ? "d" : "D") + w.slice(1) + key;
    return null;
  }
  function telex(w, key) {
    var k = key.toLowerCase(), r = null;
    if (!w) return k === "w" ? (key === "W" ? "Ư" : "ư") : null;
    if (k in TELEX_TONE) r = tone(w, TELEX_TONE[k], key);
    else if (k === "w") {
      // w marks the last of a / o / u: ă, ơ, ư ("uo" both: ươ)
      var idx = cluster(w), lastAou = "";
      for (var q = idx.length - 1; q >= 0 && !lastAou; q--) {
        var bq = parts(w.charAt(idx[q])).base.toLowerCase();
        if ("aou".indexOf(bq) >= 0) lastAou = bq;
      }
      r = lastAou === "a" ? modify(w, "a", "\u0306", key) : lastAou ? modify(w, "ou", "\u031b", key) : null;
    }
    else if (k === "a" || k === "e" || k === "o") {
      var last = w.charAt(w.length - 1);
      if (parts(last).base.toLowerCase() === k || cluster(w).length) r = modify(w, k, "\u0302", key);
    } else if (k === "d") r = stroke(w, key);
    if (r === null) return null;
    return r;
  }
  function vni(w, key) {
    if (!w) return null;
    if (key in VNI_TONE) return tone(w, VNI_TONE[key], key);
    if (key === "6") return modify(w, "aeo", "\u0302", key);
    if (key === "7") return modify(w, "ou", "\u031b", key);
    if (key === "8") return modify(w, "a", "\u0306", key);
    if (key === "9") return stroke(w, key);
    return null;
  }
  // The text before the cursor after ``key`` under the method, or null when the key is just itself.
  function transform(method, before, key) {
    var m = /[\p{L}]*$/u.exec(before), w = m ? m[0] : "", head = before.slice(0, before.length - w.length);
    var out = method === "telex" ? telex(w, key) : method === "vni" ? vni(w, key) : null;
    if (out === null) {
      if (!/\p{L}/u.test(key) || !currentTone(w)) return null;
      out = placeTone(w + key); // a letter after a toned vowel may move the tone (hoà + n → hoàn)
      if (out === w + key) return null;
    }
    return (head + out).normalize("NFC");
  }
  window.SohoaIme = { transform: transform };

  // ---- the page image: the row highlighted and enlarged --------------------------------------------------
  var zoom = 1.0;
  function showRow(top, bottom) {
    var img = document.getElementById("k-img"), hl = document.getElementById("k-highlight");
    var rowBox = document.getElementById("k-row"), rowImg = document.getElementById("k-row-img");
    if (!img || !hl) return;
    if (top === null || top === undefined || bottom === null || bottom === undefined || top === "") {
      hl.style.display = "none";
      if (rowImg) rowImg.style.display = "none";
      return;
    }
    top = Number(top); bottom = Number(bottom);
    hl.style.display = "block";
    hl.style.top = (top * 100) + "%";
    hl.style.height = ((bottom - top) * 100) + "%";
    if (!rowImg || !img.naturalWidth) return;
    rowImg.style.display = "block";
    var width = rowBox.clientWidth * zoom, height = img.naturalHeight * width / img.naturalWidth;
    var band = (bottom - top) * height;
    rowBox.style.height = Math.min(Math.max(band + 16, 48), 320) + "px";
    rowImg.style.width = width + "px";
    rowImg.style.top = (8 - top * height) + "px";
    var pageBox = document.getElementById("k-page");
    if (pageBox) pageBox.scrollTop = Math.max(0, top * pageBox.scrollHeight - 80);
  }

  var arbitration = document.getElementById("k-arbitrate");
  if (arbitration) {
    var box = document.getElementById("k-page");
    var again = function () { showRow(box.dataset.top, box.dataset.bottom); };
    var im = document.getElementById("k-img");
    if (im.complete) again(); else im.addEventListener("load", again);
    window.addEventListener("resize", again);
    return;
  }

  var dataNode = document.getElementById("keying-data");
  if (!dataNode) return;
  var K = JSON.parse(dataNode.textContent);
  var form = document.getElementById("k-form");
  var inputs = Array.prototype.slice.call(form.querySelectorAll(".k-field input"));
  var byName = {};
  inputs.forEach(function (i) { byName[i.name] = i; });
  var mainFields = K.fields;
  var entries = K.entries;
  var current = -1, keystrokes = 0, started = null, dirty = false, saving = false;
  var imeSelect = document.getElementById("k-ime");
  imeSelect.value = localStorage.getItem("sohoa-ime") || "off";
  var statusLine = document.getElementById("k-status");

  function say(text) { statusLine.textContent = text; }
  function fieldBox(input) { return input.closest(".k-field"); }
  function mark(input, cls, badge) {
    input.classList.remove("suggested", "carried", "illegible");
    var b = fieldBox(input).querySelector(".k-badge");
    if (cls) input.classList.add(cls);
    b.textContent = badge || "";
    b.hidden = !badge;
  }
  function message(input, text, warn) {
    var m = fieldBox(input).querySelector(".k-msg");
    m.textContent = text || "";
    m.classList.toggle("warn", !!warn);
  }
  function api(method, url, body) {
    return fetch(url, { method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": K.csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; }); });
  }
  function display(name, value) {
    if (name === "gender") return { male: "Nam", female: "Nữ" }[value] || value || "";
    if (/^\d{4}-\d{2}-\d{2}$/.test(value || "") && K.figures.indexOf(name) >= 0) {
      var p = value.split("-"); return p[2] + "/" + p[1] + "/" + p[0];
    }
    return value || "";
  }
  function previousValues(i) { // this clerk's own values of the entry before (carried into a new one)
    for (var j = i - 1; j >= 0; j--) { if (entries[j].mine) return entries[j].mine.fields; }
    return null;
  }

  function load(i) {
    current = i; keystrokes = 0; started = null; dirty = false;
    var e = entries[i];
    document.getElementById("k-title").textContent = "Mục " + (i + 1) + "/" + entries.length;
    var state = { open: "đang gõ", review: "chờ duyệt", arbitration: "chờ phân xử", accepted: "đã chấp nhận" }[e.status];
    document.getElementById("k-state").textContent = "Tình trạng: " + state + (e.can_key ? "" : " — bạn không gõ mục này nữa");
    document.getElementById("k-where").textContent = "Mục " + (i + 1) + " trên trang " + K.page.seq;
    var own = e.mine ? e.mine.fields : null, ill = e.mine ? e.mine.illegible : [];
    var before = previousValues(i);
    inputs.forEach(function (input) {
      var name = input.name, value = "", cls = "", badge = "";
      message(input, "");
      if (e.accepted) { value = display(name, e.accepted[name]); }
      else if (own) {
        value = display(name, own[name]);
        if (ill.indexOf(name) >= 0) { value = "không đọc được"; cls = "illegible"; }
      } else if (e.suggestion[name]) { value = display(name, e.suggestion[name]); cls = "suggested"; badge = "Gợi ý OCR"; }
      else if (before && ["book_number", "page_number", "registration_authority", "ethnicity", "nationality"].indexOf(name) >= 0 && before[name]) {
        value = display(name, before[name]); cls = "carried"; badge = "Như mục trước";
      } else if (before && name === "registration_number" && /^\d+$/.test(before[name] || "")) {
        value = String(Number(before[name]) + 1); cls = "carried"; badge = "Số tiếp theo";
      } else if (!before && K.carry[name]) { value = K.carry[name]; cls = "carried"; badge = "Theo thông tin quyển"; }
      input.value = value;
      input.readOnly = !e.can_key;
      mark(input, cls, badge);
      hideList(input);
    });
    showRow(e.top, e.bottom);
    var first = inputs.filter(function (x) { return mainFields.indexOf(x.name) >= 0 && !x.classList.contains("carried"); })[0];
    (first || inputs[0]).focus();
  }

  function values() {
    var out = {}, illegible = [];
    inputs.forEach(function (input) {
      if (input.classList.contains("illegible")) illegible.push(input.name);
      else if (input.value.trim()) out[input.name] = input.value.normalize("NFC");
    });
    return { fields: out, illegible: illegible };
  }

  function nextToKey(from) {
    for (var j = from + 1; j < entries.length; j++) { if (entries[j].can_key && !entries[j].mine) return j; }
    for (j = from + 1; j < entries.length; j++) { if (entries[j].can_key) return j; }
    return -1;
  }

  function save(then) {
    var e = entries[current];
    if (!e.can_key || saving) { then(); return; }
    var v = values();
    v.keystrokes = keystrokes;
    v.seconds = started ? (Date.now() - started) / 1000 : null;
    saving = true;
    api("PUT", "/api/v1/keying/entries/" + e.id + "/values", v).then(function (r) {
      saving = false;
      if (!r.ok) {
        say((r.body.error && r.body.error.message) || "Chưa lưu được.");
        check(); // the refused fields get their messages beside them
        return;
      }
      e.mine = { fields: {}, illegible: v.illegible };
      Object.keys(v.fields).forEach(function (k) { e.mine.fields[k] = v.fields[k]; });
      e.status = r.body.status;
      if (e.status !== "open") e.can_key = false;
      var notes = Object.keys(r.body.warnings || {}).map(function (k) { return (K.labels[k] || k) + ": " + r.body.warnings[k]; });
      say("Đã lưu mục " + (current + 1) + (r.body.record_id ? " — đã chấp nhận và đưa vào tra cứu" : "") +
          (notes.length ? ". Lưu ý: " + notes.join("; ") : "."));
      dirty = false;
      then();
    });
  }
  function goNext() {
    save(function () {
      var n = nextToKey(current);
      if (n >= 0) load(n);
      else if (K.page.next) say(statusLine.textContent + " Hết mục trên trang này: Alt+T sang trang sau.");
      else say(statusLine.textContent + " Hết mục trên trang này.");
    });
  }
  function move(delta) {
    var n = current + delta;
    if (n < 0 || n >= entries.length) return;
    if (dirty) save(function () { load(n); }); else load(n);
  }
  function nextPage() {
    var link = document.getElementById("k-next-page");
    var go = function () { if (link) window.location.href = link.href; };
    if (dirty) save(go); else go();
  }
  function change(op) {
    var e = entries[current];
    if (op === "delete" && !window.confirm("Xóa mục này khỏi trang?")) return;
    api("POST", "/api/v1/keying/pages/" + K.page.id + "/entries", { op: op, entry_id: e ? e.id : null })
      .then(function (r) {
        if (!r.ok) { say((r.body.error && r.body.error.message) || "Không thực hiện được."); return; }
        window.location.reload();
      });
  }

  // ---- completions and checks ----------------------------------------------------------------------------
  var timers = {};
  function list(input) { return fieldBox(input).querySelector(".k-complete"); }
  function hideList(input) { var l = list(input); l.hidden = true; l.innerHTML = ""; l.dataset.for = ""; }
  function selected(input) {
    var l = list(input);
    if (l.hidden) return null;
    return l.querySelector('li[aria-selected="true"]');
  }
  function complete(input) {
    if (input.dataset.figures || input.classList.contains("illegible")) return;
    var text = input.value;
    if (!text.trim()) { hideList(input); return; }
    var url = "/api/v1/keying/complete?batch=" + encodeURIComponent(K.batch_id) + "&field=" +
      encodeURIComponent(input.name) + "&text=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
      if (input.value !== text) return; // typed on since
      var l = list(input);
      l.innerHTML = "";
      (j.completions || []).forEach(function (c, n) {
        var li = document.createElement("li");
        li.textContent = c; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", n === 0 ? "true" : "false");
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); accept(input, c); });
        l.appendChild(li);
      });
      l.hidden = !l.children.length;
      l.dataset.for = text;
    });
  }
  function accept(input, value) {
    input.value = value;
    hideList(input);
    dirty = true;
    mark(input, "", "");
  }
  function choose(input, delta) {
    var items = Array.prototype.slice.call(list(input).children);
    if (!items.length) return;
    var at = items.findIndex(function (li) { return li.getAttribute("aria-selected") === "true"; });
    at = (at + delta + items.length) % items.length;
    items.forEach(function (li, n) { li.setAttribute("aria-selected", n === at ? "true" : "false"); });
  }
  function check() {
    var v = values();
    api("POST", "/api/v1/keying/check", { fields: v.fields }).then(function (r) {
      if (!r.ok) return;
      inputs.forEach(function (input) {
        var err = r.body.errors[input.name], warn = r.body.warnings[input.name];
        message(input, err || warn || "", !err && !!warn);
      });
    });
  }
  function nextInput(input) {
    var visible = inputs.filter(function (x) { return x.offsetParent !== null; });
    var at = visible.indexOf(input);
    return at >= 0 && at + 1 < visible.length && mainFields.indexOf(visible[at + 1].name) >= 0 ? visible[at + 1] : null;
  }
  function toggleIllegible(input) {
    if (input.classList.contains("illegible")) { input.value = ""; mark(input, "", ""); }
    else { input.value = "không đọc được"; mark(input, "illegible", "Không đọc được"); }
    dirty = true;
  }
  function zoomBy(f) { zoom = Math.min(4, Math.max(0.5, zoom * f)); var e = entries[current]; if (e) showRow(e.top, e.bottom); }

  inputs.forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("input", function () {
      dirty = true;
      if (input.classList.contains("suggested") || input.classList.contains("carried")) mark(input, "", "");
      clearTimeout(timers[input.name]);
      timers[input.name] = setTimeout(function () { complete(input); }, 60);
    });
    input.addEventListener("change", check);
    input.addEventListener("blur", function () { setTimeout(function () { hideList(input); }, 100); });
    input.addEventListener("keydown", function (ev) {
      if (ev.isComposing || input.readOnly) return;
      var method = imeSelect.value;
      if (method !== "off" && !input.dataset.figures && ev.key.length === 1 && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
        var start = input.selectionStart, end = input.selectionEnd;
        var out = transform(method, input.value.slice(0, start), ev.key);
        if (out !== null) {
          ev.preventDefault();
          input.value = out + input.value.slice(end);
          input.setSelectionRange(out.length, out.length);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }
      }
    });
  });

  document.addEventListener("keydown", function (ev) {
    if (!ev.key || ["Shift", "Control", "Alt", "Meta"].indexOf(ev.key) >= 0) return;
    var input = document.activeElement && document.activeElement.closest && document.activeElement.closest(".k-field")
      ? document.activeElement : null;
    if (input) { keystrokes++; if (!started) started = Date.now(); }
    if (ev.key === "F9") { ev.preventDefault(); var o = ["off", "telex", "vni"]; imeSelect.value = o[(o.indexOf(imeSelect.value) + 1) % 3];
      imeSelect.dispatchEvent(new Event("change")); return; }
    if (ev.altKey && !ev.ctrlKey) {
      var k = ev.key.toLowerCase(), acts = {
        n: function () { move(1); }, p: function () { move(-1); }, t: nextPage,
        i: function () { if (input) toggleIllegible(input); }, "=": function () { zoomBy(1.25); }, "+": function () { zoomBy(1.25); },
        "-": function () { zoomBy(0.8); }, a: function () { change("add"); }, s: function () { change("split"); },
        g: function () { change("merge"); }, x: function () { change("delete"); } };
      if (acts[k]) { ev.preventDefault(); acts[k](); }
      return;
    }
    if (!input) return;
    if (ev.key === "Enter" && ev.ctrlKey) { ev.preventDefault(); goNext(); return; }
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (selected(input)) { ev.preventDefault(); choose(input, ev.key === "ArrowDown" ? 1 : -1); }
      return;
    }
    if (ev.key === "Escape") { hideList(input); return; }
    if (ev.key === "Enter") {
      ev.preventDefault();
      var pick = selected(input);
      if (pick && list(input).dataset.for === input.value) {
        accept(input, pick.textContent);
        // A name goes on word by word; any other completion is the whole value.
        if (["full_name", "mother_name", "father_name", "declarant_name", "wife_name", "husband_name",
             "signer_name", "owner_names"].indexOf(input.name) >= 0) return;
      }
      hideList(input);
      var n = nextInput(input);
      if (n) n.focus(); else goNext();
    }
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); goNext(); });
  imeSelect.addEventListener("change", function () { localStorage.setItem("sohoa-ime", imeSelect.value); });
  document.getElementById("k-prev").addEventListener("click", function () { move(-1); });
  document.getElementById("k-next").addEventListener("click", function () { move(1); });
  document.getElementById("k-add").addEventListener("click", function () { change("add"); });
  document.getElementById("k-split").addEventListener("click", function () { change("split"); });
  document.getElementById("k-merge").addEventListener("click", function () { change("merge"); });
  document.getElementById("k-delete").addEventListener("click", function () { change("delete"); });
  document.getElementById("k-zoom-in").addEventListener("click", function () { zoomBy(1.25); });
  document.getElementById("k-zoom-out").addEventListener("click", function () { zoomBy(0.8); });
  window.addEventListener("resize", function () { var e = entries[current]; if (e) showRow(e.top, e.bottom); });

  var img = document.getElementById("k-img");
  var start = nextToKey(-1);
  if (entries.length) {
    load(start >= 0 ? start : 0);
    if (img && !img.complete) img.addEventListener("load", function () { var e = entries[current]; showRow(e.top, e.bottom); });
  } else {
    say("Trang này chưa có mục nào: Alt+A để thêm mục.");
  }
})();
