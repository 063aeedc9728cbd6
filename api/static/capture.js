// The capture station in the browser: resumable uploads (tus-js-client), live progress (server-sent events)
// and page fixes. Everything goes through /api/v1 with the page's CSRF token, as a script would.
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " kB";
  }

  // A number as the server's pages write it (domain.labels.vn_number): thousands parted by dots, a decimal comma
  // ("12.480", "51,3").
  function count(n) {
    if (typeof n !== "number") return n;
    var parts = String(n).split(".");
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".") + (parts.length > 1 ? "," + parts[1] : "");
  }

  function duration(seconds) {
    if (seconds == null) return "—";
    if (seconds < 60) return seconds + " giây";
    var m = Math.round(seconds / 60);
    return m < 60 ? m + " phút" : Math.floor(m / 60) + " giờ " + (m % 60) + " phút";
  }

  function api(method, url, csrf, body) {
    var opts = {method: method, headers: {"X-CSRF-Token": csrf, "Accept": "application/json"}, credentials: "same-origin"};
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || ("Lỗi " + r.status));
        return data;
      });
    });
  }

  // -- upload ------------------------------------------------------------------------------------------------
  var form = document.getElementById("upload-form");
  if (form) {
    var chosen = [];  // {file, path, row, bar}
    var table = document.getElementById("chosen"), tbody = table.querySelector("tbody");
    var statusLine = document.getElementById("upload-status"), errorBox = document.getElementById("upload-error");
    // The browser would say "Please match the requested format." in its own language: say it in ours.
    var years = form.elements.years;
    years.addEventListener("input", function () {
      years.setCustomValidity("");
      if (years.validity.patternMismatch) years.setCustomValidity(years.title);
    });

    var add = function (file, path) {
      var bar = el("progress", {max: "100", value: "0"});
      var row = el("tr", {}, [el("td", {text: path}), el("td", {text: size(file.size)}), el("td", {}, [bar])]);
      tbody.appendChild(row);
      table.hidden = false;
      chosen.push({file: file, path: path, row: row, bar: bar});
    };
    var walk = function (entry, done) {  // a dropped folder, read recursively
      if (entry.isFile) {
        entry.file(function (f) { add(f, entry.fullPath.replace(/^\//, "")); done(); }, done);
      } else if (entry.isDirectory) {
        var reader = entry.createReader(), all = [];
        var more = function () {
          reader.readEntries(function (batch) {
            if (!batch.length) {
              var left = all.length;
              if (!left) return done();
              all.forEach(function (e) { walk(e, function () { if (--left === 0) done(); }); });
            } else { all = all.concat(Array.prototype.slice.call(batch)); more(); }
          }, done);
        };
        more();
      } else done();
    };
    var drop = document.getElementById("drop");
    ["dragenter", "dragover"].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      drop.classList.remove("over");
      var items = e.dataTransfer.items;
      if (items && items.length && items[0].webkitGetAsEntry) {
        Array.prototype.forEach.call(items, function (it) { var en = it.webkitGetAsEntry(); if (en) walk(en, function () {}); });
      } else {
        Array.prototype.forEach.call(e.dataTransfer.files, function (f) { add(f, f.name); });
      }
    });
    ["pick-files", "pick-folder", "pick-camera"].forEach(function (id) {
      document.getElementById(id).addEventListener("change", function (e) {
        Array.prototype.forEach.call(e.target.files, function (f) { add(f, f.webkitRelativePath || f.name); });
        e.target.value = "";
      });
    });

    var send = function (item) {
      return new Promise(function (resolve, reject) {
        var upload = new tus.Upload(item.file, {
          endpoint: form.dataset.endpoint,
          chunkSize: 5 * 1024 * 1024,  // a dropped connection loses at most one chunk
          retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
          headers: {"X-CSRF-Token": form.dataset.csrf},
          metadata: {filename: item.file.name, relativePath: item.path, filetype: item.file.type || "application/octet-stream"},
          removeFingerprintOnSuccess: true,
          onProgress: function (sent, total) { item.bar.value = total ? Math.floor(100 * sent / total) : 100; },
          onError: function (err) {
            var r = err.originalResponse, body = r ? r.getBody() : "";
            try { body = JSON.parse(body).error.message; } catch (x) { body = err.message; }
            reject(new Error(item.path + ": " + body));
          },
          onSuccess: function () { item.bar.value = 100; resolve(upload.url.split("/").pop()); }
        });
        // A closed tab or a lost connection: the same file chosen again carries on where it stopped.
        upload.findPreviousUploads().then(function (previous) {
          if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        });
      });
    };

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      errorBox.hidden = true;
      if (!chosen.length) { errorBox.textContent = "Chưa chọn tệp nào."; errorBox.hidden = false; return; }
      var tooBig = chosen.filter(function (c) { return c.file.size > Number(form.dataset.max); });
      if (tooBig.length) {
        errorBox.textContent = "Tệp quá lớn: " + tooBig.map(function (c) { return c.path; }).join(", ");
        errorBox.hidden = false;
        return;
      }
      document.getElementById("send").disabled = true;
      statusLine.textContent = "Đang tải lên…";
      Promise.all(chosen.map(send)).then(function (ids) {
        statusLine.textContent = "Đang kiểm tra tệp…";
        var fd = new FormData();
        ids.forEach(function (id) { fd.append("uploads", id); });
        ["type", "book", "years", "authority", "note"].forEach(function (k) { fd.append(k, form.elements[k].value); });
        if (form.elements.spreads.checked) fd.append("spreads", "true");
        return api("POST", "/api/v1/batches", form.dataset.csrf, fd);
      }).then(function (res) {
        statusLine.textContent = "Đã nhận " + res.new_pages + " trang. Đang chuyển đến trang tiến độ…";
        window.location.href = res.url;
      }).catch(function (err) {
        document.getElementById("send").disabled = false;
        statusLine.textContent = "";
        errorBox.textContent = err.message;
        errorBox.hidden = false;
      });
    });
  }

  // -- a batch: live progress, failed pages, page fixes --------------------------------------------------------
  var live = document.getElementById("live");
  if (live) {
    var batch = live.dataset.batch, csrf = live.dataset.csrf;
    var canFix = live.dataset.canFix === "1", canRetry = live.dataset.canRetry === "1";
    var base = "/api/v1/batches/" + encodeURIComponent(batch);
    var set = function (id, v) { var n = document.getElementById(id); if (n) n.textContent = v; };
    var thumb = function (p) {
      return el("img", {src: "/api/v1/pages/" + p.page_id + "/thumbnail?v=" + encodeURIComponent(p.page_id + p.status),
                        alt: "Trang " + p.seq, loading: "lazy", "class": "thumb"});
    };
    var act = function (method, url, body) {
      live.classList.add("busy");
      return api(method, url, csrf, body).then(function () { follow(); loadPages(); })
        .catch(function (err) { window.alert(err.message); })
        .then(function () { live.classList.remove("busy"); });
    };
    var showFailed = function (pages) {
      var box = document.getElementById("failed-pages");
      box.textContent = "";
      pages.forEach(function (p) {
        box.appendChild(el("div", {"class": "thumbcard failed-page", "data-page": p.page_id}, [
          thumb(p),
          el("p", {}, [el("strong", {text: "Trang " + p.seq}), el("span", {text: " (" + p.source + ", trang " + p.page + ")"})]),
          el("p", {"class": "reason", text: p.reason || ""}),
          canRetry ? el("button", {type: "button", text: "Nhận dạng lại",
                                   onclick: function () { act("POST", base + "/pages/" + p.page_id + "/retry"); }}) : null
        ]));
      });
    };
    var show = function (d) {
      set("live-done", count(d.done)); set("live-failed", count(d.failed)); set("live-waiting", count(d.waiting));
      set("live-pages", count(d.pages)); set("live-processed", count(d.done + d.failed));
      set("table-done", count(d.done)); set("table-failed", count(d.failed)); set("table-waiting", count(d.waiting));
      var none = document.getElementById("no-failures"), retryBox = document.getElementById("retry-box");
      if (none) none.hidden = d.failed > 0;
      if (retryBox) retryBox.hidden = !(d.failed > 0 && d.finished);
      set("live-rate", d.rate_per_min ? count(d.rate_per_min) + " trang/phút" : "—");
      set("live-left", duration(d.seconds_left));
      set("live-state", d.finished ? "Đã xong" : "Đang xử lý…");
      live.dataset.finished = d.finished ? "1" : "0";
      var bar = document.getElementById("live-bar");
      if (bar) { bar.max = d.pages || 1; bar.value = d.done + d.failed; }
      showFailed(d.failed_pages || []);
    };
    var source = null, wasFinished = null;
    var follow = function () {
      if (source) source.close();
      live.dataset.finished = "0";
      source = new EventSource(base + "/events");
      source.onmessage = function (e) {
        var d = JSON.parse(e.data);
        show(d);
        if (d.finished && wasFinished === false) loadPages();
        wasFinished = d.finished;
      };
      source.addEventListener("end", function () { source.close(); });
    };
    follow();
    var retryAll = document.getElementById("retry-all");
    if (retryAll) retryAll.addEventListener("click", function () {
      retryAll.disabled = true;
      api("POST", base + "/run", csrf).then(function (res) {
        set("retry-done", "Đã đưa " + res.queued + " trang lỗi vào hàng đợi để nhận dạng lại.");
        document.getElementById("retry-done").hidden = false;
        follow(); loadPages();
      }).catch(function (err) { window.alert(err.message); })
        .then(function () { retryAll.disabled = false; });
    });

    var fixes = document.getElementById("page-fixes");
    var ROLES = {"": "Trang thường", blank: "Trang trắng", cover: "Bìa sổ", back: "Mặt sau",
                 document: "Văn bản khác, không phải hồ sơ"};
    var STATES = {pending: "Đang chờ", running: "Đang nhận dạng", done: "Xong", failed: "Lỗi"};
    var order = [];
    var loadPages = function () {
      if (!fixes || !canFix) return;
      api("GET", base + "/pages", csrf).then(function (pages) {
        order = pages.map(function (p) { return p.page_id; });
        var rows = pages.map(function (p, i) {
          var busy = p.status === "pending" || p.status === "running";
          var role = el("select", {"aria-label": "Loại trang " + p.seq, onchange: function (e) {
            act("POST", base + "/pages/" + p.page_id + "/mark", {role: e.target.value || null});
          }}, Object.keys(ROLES).map(function (k) {
            var o = el("option", {value: k, text: ROLES[k]});
            if ((p.role || "") === k) o.selected = true;
            return o;
          }));
          var file = el("input", {type: "file", accept: ".pdf,.tif,.tiff,.jpg,.jpeg,.png,.webp,.heic,.heif,image/*,application/pdf",
                                  "aria-label": "Thay trang " + p.seq, onchange: function (e) {
            var fd = new FormData();
            fd.append("file", e.target.files[0]);
            act("POST", base + "/pages/" + p.page_id + "/replace", fd);
          }});
          var move = function (delta) {
            var next = order.slice(), j = i + delta;
            next.splice(j, 0, next.splice(i, 1)[0]);
            act("PUT", base + "/order", {pages: next});
          };
          var button = function (text, fn, disabled) {
            var b = el("button", {type: "button", text: text, onclick: fn});
            b.disabled = !!disabled || busy;
            return b;
          };
          return el("tr", {"data-page": p.page_id, "data-seq": String(p.seq)}, [
            el("td", {text: String(p.seq)}),
            el("td", {}, [p.status === "done" || p.status === "failed" ? thumb(p) : null]),
            el("td", {}, [el("span", {text: p.source + " · trang " + p.page}), el("br"),
                          el("span", {"class": "muted", text: (STATES[p.status] || p.status) + " · " + p.records + " hồ sơ"
                                      + (p.reason ? " · " + p.reason : "")})]),
            el("td", {"class": "fixes"}, [
              button("Xoay phải", function () { act("POST", base + "/pages/" + p.page_id + "/rotate", {degrees: 90}); }),
              button("Xoay trái", function () { act("POST", base + "/pages/" + p.page_id + "/rotate", {degrees: 270}); }),
              button("Lật ngược", function () { act("POST", base + "/pages/" + p.page_id + "/rotate", {degrees: 180}); }),
              button("Lên", function () { move(-1); }, i === 0),
              button("Xuống", function () { move(1); }, i === pages.length - 1),
              button("Bỏ trang", function () {
                if (window.confirm("Bỏ trang " + p.seq + " khỏi quyển?")) act("DELETE", base + "/pages/" + p.page_id);
              }),
              role, el("label", {"class": "pick"}, [el("span", {text: "Thay bằng tệp… "}), file])
            ])
          ]);
        });
        fixes.textContent = "";
        fixes.appendChild(el("table", {id: "pages-table"}, [
          el("thead", {}, [el("tr", {}, ["Trang", "Ảnh", "Nguồn và trạng thái", "Sửa"].map(function (h) {
            return el("th", {text: h});
          }))]),
          el("tbody", {}, rows)
        ]));
      }).catch(function (err) { fixes.textContent = err.message; });
    };
    loadPages();
  }

  // -- the progress page: every batch's row follows along ----------------------------------------------------
  var batchesTable = document.getElementById("live-batches");
  if (batchesTable && window.EventSource) {
    var events = new EventSource("/api/v1/progress/events");
    events.onmessage = function (e) {
      JSON.parse(e.data).batches.forEach(function (b) {
        var row = batchesTable.querySelector('tr[data-batch="' + b.batch_id + '"]');
        if (!row) return;
        ["pages", "done", "failed", "pending", "percent"].forEach(function (k) {
          var cell = row.querySelector('[data-k="' + k + '"]');
          if (cell) cell.textContent = k === "percent" ? b[k] : count(b[k]);
        });
        var bar = row.querySelector("progress");
        if (bar) { bar.max = b.pages || 1; bar.value = b.done + b.failed; }
      });
    };
  }
})();
