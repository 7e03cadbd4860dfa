// The status board: "select all" ticks every row checkbox; the count of ticked rows is announced.
// Plain checkboxes, so Space toggles them from the keyboard; no inline script (CSP).
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  var count = document.getElementById("selected-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".row-check"));
  if (!all || !rows.length) {
    return;
  }
  function refresh() {
    var ticked = rows.filter(function (r) { return r.checked; }).length;
    all.checked = ticked === rows.length;
    all.indeterminate = ticked > 0 && ticked < rows.length;
    if (count) {
      count.textContent = String(ticked);
    }
  }
  all.addEventListener("change", function () {
    rows.forEach(function (r) { r.checked = all.checked; });
    refresh();
  });
  rows.forEach(function (r) { r.addEventListener("change", refresh); });
  refresh();
})();
