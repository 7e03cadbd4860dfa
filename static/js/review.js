// The 退回 / 重新打开 form: typing a comment for a part ticks that part, so a comment is never
// sent without its mark (the server refuses that and says so). No inline script: loaded by src.
(function () {
  "use strict";
  document.querySelectorAll("input.part-comment[data-part]").forEach(function (input) {
    input.addEventListener("input", function () {
      var box = document.getElementById(input.getAttribute("data-part"));
      if (box && input.value.trim()) box.checked = true;
    });
  });
})();
