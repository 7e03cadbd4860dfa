// 自评报告 edit page: warn before leaving with unsaved changes; grow text areas with their text.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  var dirty = false;

  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  }

  form.querySelectorAll("textarea.report-text").forEach(function (area) {
    grow(area);
    area.addEventListener("input", function () {
      dirty = true;
      grow(area);
    });
  });
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = form.dataset.dirtyWarning || "";
  });
})();
