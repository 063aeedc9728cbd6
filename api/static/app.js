// The page works without this script: it adds the scan viewer's zoom buttons, and puts a broad search's counts in
// place once they are counted (without it, the officer follows the link shown there instead).
document.querySelectorAll("[data-zoom]").forEach(function (b) {
  b.addEventListener("click", function () {
    var img = document.getElementById("scan-img"), w = parseInt(img.style.width || "100", 10);
    img.style.width = Math.max(50, Math.min(400, w + parseInt(b.dataset.zoom, 10))) + "%";
  });
});

document.querySelectorAll("[data-counts]").forEach(function (box) {
  fetch(box.dataset.counts, {headers: {"Accept": "text/html"}}).then(function (r) {
    if (!r.ok) throw new Error(r.status);
    return r.text();
  }).then(function (html) {
    var got = document.createElement("template");
    got.innerHTML = html;
    Array.from(got.content.children).forEach(function (piece) {  // each piece by its id
      var mine = document.getElementById(piece.id);
      if (mine) mine.replaceWith(piece);
    });
  }).catch(function () {
    var note = box.querySelector("[data-counting]");
    if (note) note.textContent = "Chưa đếm được theo loại hồ sơ và năm.";
  });
});
