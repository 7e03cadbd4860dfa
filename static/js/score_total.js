// 项目支出 forms: the suggested and printed 总分 follow the page as it is typed, so the clerk
// never reads a stale "0（差）" before saving. The rules are the server's (indicators.judgement):
// 预算执行率得分 = 分值 × min(执行数 ÷ 预算数, 1); each line's suggested score comes from the judge
// request evaluation_edit.js makes as the line is typed; a typed 自评得分 replaces the
// suggestion in the printed total; 优 ≥90, 良 80–90, 中 60–80, 差 <60. The save recomputes it all.
(function () {
  "use strict";
  var form = document.getElementById("evaluation-form");
  var section = document.getElementById("score-section");
  var suggestedOut = document.getElementById("suggested-total");
  if (!form || !section || !suggestedOut) return;
  var finalOut = document.getElementById("final-total");
  var budgetWeight = parseFloat(section.getAttribute("data-budget-weight"));
  var fundRow = section.getAttribute("data-fund-row");

  function number(text) {
    var t = (text || "").replace(/[\s,，]/g, "").replace(/[０-９．]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
    return /^-?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : null;
  }

  function points(value) {
    return (Math.round(value * 100) / 100).toFixed(2).replace(/\.?0+$/, "");
  }

  function grade(total) {
    if (total >= 90) return "优";
    if (total >= 80) return "良";
    if (total >= 60) return "中";
    return "差";
  }

  function budgetSuggested() {
    if (isNaN(budgetWeight) || !fundRow) return 0;
    var budget = form.querySelector('input[name="' + fundRow + '__budget"]');
    var actual = form.querySelector('input[name="' + fundRow + '__actual"]');
    var b = budget ? number(budget.value) : null, a = actual ? number(actual.value) : null;
    var score = b && a !== null ? budgetWeight * Math.min(Math.max(a / b, 0), 1) : 0;
    var out = document.getElementById("budget-suggested");
    if (out) out.textContent = points(score);
    return Math.round(score * 100) / 100;
  }

  function update() {
    var budget = budgetSuggested();
    var claimed = number((form.querySelector('input[name="budget_score"]') || {}).value);
    var suggested = budget, printed = claimed !== null ? claimed : budget;
    form.querySelectorAll("#lines-body tr[data-line]").forEach(function (tr) {
      if (tr.hidden) return;
      var out = tr.querySelector("output.suggested");
      var line = out ? number(out.textContent) : null;
      var score = tr.querySelector('input[name$="-score"]');
      var own = score ? number(score.value) : null;
      suggested += line || 0;
      printed += own !== null ? own : (line || 0);
    });
    suggestedOut.textContent = points(suggested);
    document.getElementById("suggested-grade").textContent = grade(suggested);
    if (finalOut) {
      finalOut.textContent = points(printed);
      document.getElementById("final-grade").textContent = grade(printed);
    }
  }

  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(update, 50);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("click", later); // lines removed or added
  // A line's suggested score arrives with its judge answer, after the typing.
  new MutationObserver(later).observe(document.getElementById("lines-body"), {
    subtree: true, childList: true, characterData: true,
  });
})();
