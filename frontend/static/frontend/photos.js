// The report form's photo input: previews of the chosen files and the limits checked before
// sending (the server checks them again and names any file it refuses).
(function () {
  "use strict";

  function faDigits(text) {
    return String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  }

  function setUp(box) {
    var input = box.querySelector('input[type="file"]');
    var list = box.querySelector("[data-photo-previews]");
    var errorLine = box.querySelector("[data-photo-error]");
    var countLine = box.querySelector("[data-photo-count]");
    var maxCount = parseInt(box.dataset.maxCount, 10) || 4;
    var maxBytes = parseInt(box.dataset.maxBytes, 10) || 0;

    function sizeText(bytes) {
      if (bytes < 1048576) {
        return faDigits(Math.max(1, Math.round(bytes / 1024))) + " " + box.dataset.unitKb;
      }
      return faDigits((bytes / 1048576).toFixed(1)) + " " + box.dataset.unitMb;
    }
    if (!input || !list) return;

    function problemWith(files) {
      if (files.length > maxCount) return box.dataset.textTooMany;
      for (var i = 0; i < files.length; i++) {
        if (maxBytes && files[i].size > maxBytes) {
          return box.dataset.textTooBig.replace("{name}", files[i].name);
        }
      }
      return "";
    }

    function show() {
      list.textContent = "";
      var files = Array.prototype.slice.call(input.files || []);
      var problem = problemWith(files);
      input.setCustomValidity(problem);
      errorLine.textContent = problem;
      errorLine.hidden = !problem;
      countLine.textContent = files.length
        ? box.dataset.textChosen.replace("{n}", faDigits(files.length)) : "";
      files.forEach(function (file) {
        var item = document.createElement("li");
        if (/^image\//.test(file.type)) {
          // A data: address (the page's CSP allows data: images, not blob:).
          var img = document.createElement("img");
          img.alt = "";
          var reader = new FileReader();
          reader.onload = function () { img.src = reader.result; };
          reader.readAsDataURL(file);
          item.appendChild(img);
        }
        var name = document.createElement("span");
        name.textContent = file.name + " (" + sizeText(file.size) + ")";
        item.appendChild(name);
        list.appendChild(item);
      });
    }

    input.addEventListener("change", show);
    show();
  }

  function start() {
    document.querySelectorAll("[data-photo-input]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
