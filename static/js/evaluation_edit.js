// The edit page: add, remove and reorder indicator lines (and add extra head rows) without a
// page reload, offer the 二级指标 names of the 一级指标 typed, show 执行率 as amounts are typed,
// judge each line as its target and actual are typed, and pick 三级指标 from the indicator
// library. The server decides everything that matters (and recomputes it on save); this only
// spares the user round trips.
(function () {
  "use strict";
  var form = document.getElementById("evaluation-form");
  if (!form) return;
  var body = document.getElementById("lines-body");
  var template = document.getElementById("line-template");
  var total = form.querySelector('input[name="lines-TOTAL_FORMS"]');
  // The <datalist> of 二级 names each 一级 offers, by the 一级 as typed on the page.
  var level2Lists = JSON.parse(document.getElementById("level2-lists").textContent);
  // After a partial return (部分退回) of single lines there is no add button: lines can then be
  // edited where they were sent back, but not added, removed or moved.
  var addButton = document.getElementById("line-add");
  var linesFixed = !addButton;

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
    var first = row.querySelector("textarea, input[type=text]");
    if (first) first.focus();
    return row;
  }

  // A removed line is hidden and marked for deletion on save; a notice in its place offers
  // 撤销 until the page is saved, so a slip of the mouse loses nothing.
  function removeRow(tr) {
    var del = tr.querySelector('input[name$="-DELETE"]');
    if (del) {
      del.checked = true;
      del.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var number = tr.querySelector(".line-no").textContent;
    var name = (field(tr, "level3") || {}).value || "";
    tr.hidden = true;
    var notice = document.createElement("tr");
    notice.className = "line-removed";
    var cell = document.createElement("td");
    cell.colSpan = tr.children.length;
    var text = document.createElement("span");
    text.setAttribute("role", "status");
    text.textContent = "已删除第" + number + "行" + (name.trim() ? "“" + name.trim() + "”" : "") + "，保存后生效。";
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "btn btn-link btn-sm line-undo";
    undo.textContent = "撤销";
    undo.setAttribute("aria-label", "撤销删除第" + number + "行");
    cell.appendChild(text);
    cell.appendChild(document.createTextNode(" "));
    cell.appendChild(undo);
    notice.appendChild(cell);
    tr.parentNode.insertBefore(notice, tr.nextSibling);
    notice._line = tr;
    renumber();
    undo.focus();
  }

  function undoRemove(notice) {
    var tr = notice._line;
    var del = tr.querySelector('input[name$="-DELETE"]');
    if (del) {
      del.checked = false;
      del.dispatchEvent(new Event("change", { bubbles: true }));
    }
    tr.hidden = false;
    notice.remove();
    renumber();
    var again = tr.querySelector(".line-remove");
    if (again) again.focus();
  }

  function move(tr, up) {
    var sibling = up ? tr.previousElementSibling : tr.nextElementSibling;
    // Past hidden (removed) lines and the notices that offer to bring them back.
    while (sibling && (sibling.hidden || !sibling.hasAttribute("data-line"))) {
      sibling = up ? sibling.previousElementSibling : sibling.nextElementSibling;
    }
    if (!sibling) return;
    if (up) body.insertBefore(tr, sibling); else body.insertBefore(sibling, tr);
    renumber();
    tr.querySelector(up ? ".line-up" : ".line-down").focus();
  }

  // A 一级 typed as the form words it (产出指标（指标）) offers the 二级 of the name it starts
  // with; one the page does not know offers every 二级. The names are only offered: whatever is
  // typed is kept, and the server reads its meaning.
  function offerLevel2(level1Input) {
    var tr = level1Input.closest("tr");
    var level2 = tr.querySelector('input[data-role="level2"]');
    var text = level1Input.value.trim();
    var id = level2Lists[text];
    if (!id) {
      var known = Object.keys(level2Lists).filter(function (name) {
        return name && text.indexOf(name) === 0;
      });
      known.sort(function (a, b) { return b.length - a.length; });
      id = known.length ? level2Lists[known[0]] : "level2-names";
    }
    level2.setAttribute("list", id);
  }

  if (addButton) addButton.addEventListener("click", function () { addRow(); });
  body.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var tr = button.closest("tr");
    if (button.classList.contains("line-undo")) undoRemove(tr);
    else if (button.classList.contains("line-remove")) removeRow(tr);
    else if (button.classList.contains("line-up")) move(tr, true);
    else if (button.classList.contains("line-down")) move(tr, false);
    else if (button.classList.contains("picker-open")) openPickerFor(tr);
  });
  body.addEventListener("input", function (event) {
    if (event.target.matches('input[data-role="level1"]')) offerLevel2(event.target);
  });
  // Alt+↑ / Alt+↓ move the line that has the focus.
  body.addEventListener("keydown", function (event) {
    if (linesFixed || !event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
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

  // -- The judgement of each line, as its target and actual are typed --------------------------
  // One small request per line after the typing pauses; an answer to an older request of the
  // same line is dropped. The badge only informs: the server judges again on save.
  var judgeUrl = form.getAttribute("data-judge-url");
  var JUDGE_DELAY = 400;

  function field(tr, suffix) {
    return tr.querySelector('[name$="-' + suffix + '"]');
  }

  function showJudgement(tr, data) {
    var box = tr.querySelector(".judgement");
    var note = tr.querySelector(".reason-note");
    var band = tr.querySelector(".band");
    var suggested = tr.querySelector("output.suggested");
    box.textContent = "";
    if (data) {
      var badge = document.createElement("span");
      badge.className = "badge judgement-" + data.status;
      badge.textContent = data.label;
      var text = document.createElement("span");
      text.className = "judgement-text";
      text.textContent = data.explanation;
      box.appendChild(badge);
      box.appendChild(document.createTextNode(" "));
      box.appendChild(text);
    }
    tr._needsReason = Boolean(data && data.needs_reason);
    showReasonNote(tr);
    if (band) band.hidden = !(data && data.needs_person);
    if (suggested) {
      suggested.textContent = data && data.suggested !== null ? data.suggested : "—";
      suggested.title = (data && data.basis) || "";
    }
  }

  // "提交前需填写偏差原因" stays only while no reason is given: in the line's own 偏差原因 cell, or
  // in the form's 偏差原因 block where the template keeps the reasons there.
  var formReason = form.querySelector('[name="deviation_reason"]');

  function reasonGiven(tr) {
    var own = field(tr, "deviation");
    if (own && own.type !== "hidden") return Boolean(own.value.trim());
    return Boolean(formReason && formReason.value.trim());
  }

  function showReasonNote(tr) {
    var note = tr.querySelector(".reason-note");
    var open = Boolean(tr._needsReason) && !reasonGiven(tr);
    tr.classList.toggle("needs-reason", open);
    if (note) note.hidden = !open;
  }

  body.querySelectorAll("tr[data-line]").forEach(function (tr) {
    tr._needsReason = tr.classList.contains("needs-reason");
    showReasonNote(tr);
  });
  form.addEventListener("input", function (event) {
    if (event.target === formReason) {
      body.querySelectorAll("tr[data-line]").forEach(showReasonNote);
    } else if (event.target.matches('[name$="-deviation"]')) {
      showReasonNote(event.target.closest("tr[data-line]"));
    }
  });

  function judgeRow(tr) {
    var target = field(tr, "target"), actual = field(tr, "actual");
    if (!judgeUrl || !target || !actual) return;
    if (!target.value.trim() && !actual.value.trim()) {
      showJudgement(tr, null);
      return;
    }
    var params = new URLSearchParams({ target: target.value, actual: actual.value });
    // 指标性质 | 指标值 | 度量单位 in columns of their own (≥ | 95 | %) are judged as one (≥95%).
    var nature = field(tr, "nature"), unit = field(tr, "measure_unit");
    if (nature && nature.value.trim()) params.set("nature", nature.value);
    if (unit && unit.value.trim()) params.set("unit", unit.value);
    var weight = field(tr, "weight"), percent = field(tr, "qualitative_percent");
    if (weight && weight.value.trim()) params.set("weight", weight.value.trim());
    if (percent && percent.value) params.set("percent", percent.value);
    var ticket = (tr._judgeTicket || 0) + 1;
    tr._judgeTicket = ticket;
    fetch(judgeUrl + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && tr._judgeTicket === ticket) showJudgement(tr, data); })
      .catch(function () { /* offline or logged out: the badge keeps its last state */ });
  }

  function scheduleJudge(tr) {
    clearTimeout(tr._judgeTimer);
    tr._judgeTimer = setTimeout(function () { judgeRow(tr); }, JUDGE_DELAY);
  }

  body.addEventListener("input", function (event) {
    if (event.target.matches('[name$="-target"], [name$="-actual"], [name$="-weight"], [name$="-nature"], [name$="-measure_unit"]')) {
      scheduleJudge(event.target.closest("tr[data-line]"));
    }
  });
  body.addEventListener("change", function (event) {
    if (event.target.matches('select[data-role="band"]')) judgeRow(event.target.closest("tr[data-line]"));
  });

  // -- The indicator library picker (ARIA combobox with a listbox) -----------------------------
  var pickerInput = document.getElementById("picker-input");
  var pickerList = document.getElementById("picker-list");
  var pickerStatus = document.getElementById("picker-status");
  var SEARCH_DELAY = 250;
  var results = [];
  var active = -1;
  var searchTimer = null;
  var searchTicket = 0;
  var lastRow = null;       // the line the user was last working in
  var chosenRow = null;     // the line whose 指标库 button opened the picker: filled whatever it holds

  body.addEventListener("focusin", function (event) {
    var tr = event.target.closest("tr[data-line]");
    if (tr) lastRow = tr;
  });

  function closeList() {
    pickerList.hidden = true;
    pickerList.textContent = "";
    pickerInput.setAttribute("aria-expanded", "false");
    pickerInput.removeAttribute("aria-activedescendant");
    results = [];
    active = -1;
  }

  function setActive(index) {
    var options = pickerList.querySelectorAll('[role="option"]');
    if (!options.length) return;
    active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
      option.classList.toggle("active", i === active);
    });
    pickerInput.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function showResults(found) {
    closeList();
    results = found;
    if (!found.length) {
      pickerStatus.textContent = "指标库中没有找到，请直接在表中填写。";
      return;
    }
    found.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = "picker-option-" + i;
      option.className = "list-group-item list-group-item-action py-1";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.textContent = item.name;
      var detail = document.createElement("span");
      detail.className = "small text-muted ms-2";
      detail.textContent = [item.level1, item.level2].filter(Boolean).join(" / ") +
        (item.typical_target ? " · " + item.typical_target : "");
      option.appendChild(name);
      option.appendChild(detail);
      // mousedown, not click: keep the focus in the box until the choice is made.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(i);
      });
      pickerList.appendChild(option);
    });
    pickerList.hidden = false;
    pickerInput.setAttribute("aria-expanded", "true");
    pickerStatus.textContent = "找到 " + found.length + " 个指标，↑/↓ 选择，Enter 确认。";
  }

  function search() {
    var query = pickerInput.value.trim();
    var ticket = ++searchTicket;
    if (!query) {
      closeList();
      return;
    }
    var url = pickerInput.getAttribute("data-url") + "?" + new URLSearchParams({ q: query });
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (ticket === searchTicket) showResults(data.results || []); })
      .catch(function () {
        if (ticket === searchTicket) pickerStatus.textContent = "指标库暂时无法查询，请直接在表中填写。";
      });
  }

  function isEmptyRow(tr) {
    return !field(tr, "level3").value.trim() && !field(tr, "target").value.trim();
  }

  // A picked indicator goes into its 一级/二级 group, as the form prints it: into the group's
  // empty line if it has one, else as a new line after the group's last line (after the last
  // line of its 一级 when the 二级 has none yet); at the end when neither is on the page.
  function levels(tr) {
    var l1 = tr.querySelector('input[data-role="level1"]');
    var l2 = tr.querySelector('input[data-role="level2"]');
    return [l1 ? l1.value : "", l2 ? l2.value : ""];
  }

  function emptyRowOfGroup(level1, level2) {
    return visibleRows().filter(function (tr) {
      var l = levels(tr);
      return l[0] === level1 && l[1] === level2 && isEmptyRow(tr);
    })[0] || null;
  }

  function placeInGroup(tr, level1, level2) {
    var rows = visibleRows().filter(function (row) { return row !== tr; });
    var after = null;
    rows.forEach(function (row) {
      var l = levels(row);
      if (l[0] === level1 && l[1] === level2) after = row;
    });
    if (!after) {
      rows.forEach(function (row) { if (levels(row)[0] === level1) after = row; });
    }
    if (after) {
      body.insertBefore(tr, after.nextElementSibling);
      renumber();
    }
  }

  function choose(index) {
    var item = results[index];
    if (!item) return;
    var tr = chosenRow;
    if (!tr || tr.hidden) tr = lastRow && !lastRow.hidden && isEmptyRow(lastRow) ? lastRow : null;
    if (!tr) tr = emptyRowOfGroup(item.level1, item.level2);
    if (!tr) {
      tr = addRow();
      placeInGroup(tr, item.level1, item.level2);
    }
    var level1 = tr.querySelector('input[data-role="level1"]');
    if (item.level1) level1.value = item.level1;
    offerLevel2(level1);
    if (item.level2) tr.querySelector('input[data-role="level2"]').value = item.level2;
    field(tr, "level3").value = item.name;
    if (item.typical_target) field(tr, "target").value = item.typical_target;
    judgeRow(tr);
    closeList();
    pickerInput.value = "";
    chosenRow = null;
    lastRow = tr;
    var number = tr.querySelector(".line-no").textContent;
    pickerStatus.textContent = "已填入第 " + number + " 行：" + item.name + "。请填写实际完成值。";
    field(tr, "actual").focus();
  }

  function openPickerFor(tr) {
    chosenRow = tr;
    pickerStatus.textContent = "选中的指标将填入第 " + tr.querySelector(".line-no").textContent + " 行。";
    pickerInput.focus();
  }

  if (pickerInput) {
    pickerInput.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(search, SEARCH_DELAY);
    });
    pickerInput.addEventListener("keydown", function (event) {
      var open = !pickerList.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        var down = event.key === "ArrowDown";
        setActive(active < 0 ? (down ? 0 : -1) : active + (down ? 1 : -1));
      } else if (event.key === "Enter") {
        event.preventDefault(); // never submit the whole form from the search box
        if (open && active >= 0) choose(active);
        else if (open && results.length === 1) choose(0);
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          closeList();
        } else if (chosenRow) {
          // Nothing chosen: back to the line whose 指标库 button was pressed.
          event.preventDefault();
          field(chosenRow, "level3").focus();
          chosenRow = null;
        }
      }
    });
    pickerInput.addEventListener("blur", function () {
      setTimeout(closeList, 150);
    });
  }

  // 表头其他栏目: 添加一栏 appends an empty row (label, value, 删除) from the page's template.
  var headBody = document.getElementById("head-extra-body");
  var headTemplate = document.getElementById("head-extra-template");
  var headTotal = form.querySelector('input[name="head_extra-TOTAL_FORMS"]');
  var headAdd = document.getElementById("head-extra-add");

  function addHeadRow() {
    if (!headBody || !headTemplate || !headTotal) return null;
    var index = parseInt(headTotal.value, 10);
    headBody.insertAdjacentHTML("beforeend", headTemplate.innerHTML.replace(/__prefix__/g, String(index)));
    headTotal.value = index + 1;
    var row = headBody.lastElementChild;
    row.querySelector("input").focus();
    return row;
  }
  if (headAdd) headAdd.addEventListener("click", function () { addHeadRow(); });

  renumber();
  // For evaluation_autosave.js, which puts back rows typed before a session ended.
  window.evaluationEdit = { addRow: addRow, renumber: renumber, addHeadRow: addHeadRow };
})();
