// The edit page: add, remove and reorder indicator lines without a page reload, keep 二级指标
// choices in step with 一级指标, and show 执行率 as amounts are typed. The server decides
// everything that matters; this only spares the user round trips.
(function () {
  "use strict";
  var form = document.getElementById("evaluation-form");
  if (!form) return;
  var body = document.getElementById("lines-body");
  var template = document.getElementById("line-template");
  var total = form.querySelector('input[name="lines-TOTAL_FORMS"]');
  var taxonomy = JSON.parse(document.getElementById("taxonomy").textContent);

  function visibleRows() {
    return Array.prototype.filter.call(body.querySelectorAll("tr[data-line]"), function (tr) {
      return !tr.hidden;
    });
  }

  // ORDER follows the rows' places on the page; the row number column mirrors it.
  function renumber() {
    visibleRows().forEach(function (tr, i) {
      var order = tr.querySelector('input[name$="-ORDER"]');
      if (order) order.value = i + 1;
      tr.querySelector(".line-no").textContent = i + 1;
    });
    document.getElementById("line-count").textContent = visibleRows().length;
  }

  function addRow() {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    renumber();
    var row = body.lastElementChild;
    var first = row.querySelector("select, textarea, input:not([type=hidden])");
    if (first) first.focus();
  }

  function removeRow(tr) {
    var del = tr.querySelector('input[name$="-DELETE"]');
    if (del) del.checked = true;
    var next = tr.nextElementSibling;
    while (next && next.hidden) next = next.nextElementSibling;
    tr.hidden = true;
    renumber();
    var focusTarget = (next && next.querySelector(".line-remove")) || document.getElementById("line-add");
    focusTarget.focus();
  }

  function move(tr, up) {
    var sibling = up ? tr.previousElementSibling : tr.nextElementSibling;
    while (sibling && sibling.hidden) sibling = up ? sibling.previousElementSibling : sibling.nextElementSibling;
    if (!sibling) return;
    if (up) body.insertBefore(tr, sibling); else body.insertBefore(sibling, tr);
    renumber();
    tr.querySelector(up ? ".line-up" : ".line-down").focus();
  }

  function fillLevel2(level1Select) {
    var tr = level1Select.closest("tr");
    var level2 = tr.querySelector('select[data-role="level2"]');
    var current = level2.value;
    var names = [""].concat(taxonomy[level1Select.value] || []);
    if (current && names.indexOf(current) === -1) names.splice(1, 0, current);
    level2.innerHTML = "";
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      option.selected = name === current;
      level2.appendChild(option);
    });
  }

  document.getElementById("line-add").addEventListener("click", addRow);
  body.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var tr = button.closest("tr");
    if (button.classList.contains("line-remove")) removeRow(tr);
    else if (button.classList.contains("line-up")) move(tr, true);
    else if (button.classList.contains("line-down")) move(tr, false);
  });
  body.addEventListener("change", function (event) {
    if (event.target.matches('select[data-role="level1"]')) fillLevel2(event.target);
  });
  // Alt+↑ / Alt+↓ move the line that has the focus.
  body.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    var tr = event.target.closest("tr[data-line]");
    if (!tr) return;
    event.preventDefault();
    var focused = event.target;
    move(tr, event.key === "ArrowUp");
    focused.focus();
  });

  // 执行率 = 执行数 / 预算数, shown as typed; the same rounding as the printed form.
  function parseAmount(text) {
    var t = (text || "").replace(/[\s,，]/g, "").replace(/[０-９．]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
    if (!/^\d+(\.\d+)?$/.test(t)) return null;
    return parseFloat(t);
  }
  function formatRate(rate) {
    var text = (Math.round(rate * 10000) / 100).toFixed(2).replace(/\.?0+$/, "");
    return text + "%";
  }
  function updateRate(tr) {
    var budget = tr.querySelector('input[name$="__budget"]');
    var actual = tr.querySelector('input[name$="__actual"]');
    var out = tr.querySelector("output.rate");
    if (!budget || !actual || !out) return;
    var b = parseAmount(budget.value), a = parseAmount(actual.value);
    out.textContent = b && a !== null ? formatRate(a / b) : "";
  }
  form.querySelectorAll("tr[data-fund-row]").forEach(function (tr) {
    tr.addEventListener("input", function () { updateRate(tr); });
    updateRate(tr);
  });

  renumber();
})();
