// Text areas grow with their text, in browsers without CSS `field-sizing: content` (app.css
// does it where it is supported). Lines added later are covered: the listener is on the page.
(function () {
  "use strict";
  if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) return;
  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  }
  document.querySelectorAll(".lines-table textarea").forEach(grow);
  document.addEventListener("input", function (event) {
    if (event.target.matches(".lines-table textarea")) grow(event.target);
  });
})();
