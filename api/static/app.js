// The only script: zoom buttons for the scan viewer (the page works without it).
document.querySelectorAll("[data-zoom]").forEach(function (b) {
  b.addEventListener("click", function () {
    var img = document.getElementById("scan-img"), w = parseInt(img.style.width || "100", 10);
    img.style.width = Math.max(50, Math.min(400, w + parseInt(b.dataset.zoom, 10))) + "%";
  });
});
