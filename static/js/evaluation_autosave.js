// The edit page never loses typing. Leaving the page with unsaved changes asks first; the save
// bar says "有未保存的修改"; the draft is saved in the background every minute and shortly after
// the user leaves a changed field (an ordinary save: no submission version is made); and what
// was typed is kept in this browser until the server has it, so a save refused because the
// session ended (8 hours) is put back on the page after logging in again.
(function () {
  "use strict";
  var form = document.getElementById("evaluation-form");
  var state = document.getElementById("save-state");
  if (!form || !state || !window.fetch) return;
  var versionInput = form.querySelector('input[name="version"]');
  var key = "jixiao:edit:" + form.getAttribute("data-evaluation");
  var AUTOSAVE_EVERY = 60 * 1000;
  var AFTER_LEAVING = 1500;
  var edits = 0; // changes since the page was loaded; a save covers those made before it started
  var savedEdits = 0;
  var saving = false;
  var submitting = false;
  var stopped = false; // a save the server refused for good (another version): no more tries
  var leaveTimer = null;

  function dirty() { return edits !== savedEdits; }

  function show(text, kind) {
    state.textContent = text;
    state.className = "small save-state" + (kind ? " save-state-" + kind : "");
  }

  function named(element) {
    return element.name && element.name !== "csrfmiddlewaretoken" && element.type !== "file" &&
      element.type !== "submit" && element.type !== "button";
  }

  function collect() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!named(element)) return;
      values[element.name] = element.type === "checkbox" ? element.checked : element.value;
    });
    return values;
  }

  function keep() {
    try {
      localStorage.setItem(key, JSON.stringify({ version: versionInput.value, values: collect() }));
    } catch (e) { /* storage full or disabled: the guard and autosave still work */ }
  }

  function forget() {
    try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  function changed() {
    edits += 1;
    show("有未保存的修改", "dirty");
    keep();
  }

  form.addEventListener("input", function (event) { if (named(event.target)) changed(); });
  form.addEventListener("change", function (event) { if (named(event.target)) changed(); });
  // Adding, removing and moving lines are clicks, not typing; they change the draft too.
  form.addEventListener("click", function (event) {
    if (event.target.closest("#line-add, #head-extra-add, .line-remove, .line-up, .line-down")) {
      setTimeout(changed, 0);
    }
  });
  form.addEventListener("keydown", function (event) {
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) setTimeout(changed, 0);
  });
  form.addEventListener("focusout", function () {
    if (!dirty()) return;
    clearTimeout(leaveTimer);
    leaveTimer = setTimeout(autosave, AFTER_LEAVING);
  });
  form.addEventListener("submit", function () {
    submitting = true;
    keep(); // if the session has ended, the page puts this back after logging in again
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !dirty()) return;
    event.preventDefault();
    event.returnValue = "有未保存的修改，离开后将丢失。";
  });

  function autosave() {
    if (!dirty() || saving || submitting || stopped) return;
    saving = true;
    var sentEdits = edits;
    var data = new FormData(form);
    data.set("autosave", "1");
    data.delete("then");
    show("正在自动保存…", "saving");
    fetch(window.location.pathname, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
    })
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 0) {
          throw new Error("登录已过期，请在新窗口重新登录后再保存；输入已保存在本浏览器。");
        }
        return response.json().then(function (body) {
          body.status = response.status;
          return body;
        }, function () {
          throw new Error("自动保存未成功，输入已保存在本浏览器，请稍后点“保存草稿”。");
        });
      })
      .then(function (body) {
        if (!body.saved) {
          // 409: saved by someone else meanwhile, or locked: trying again would not help.
          if (body.status === 409) stopped = true;
          show(body.message || "自动保存未成功。", "failed");
          return;
        }
        versionInput.value = body.version;
        (body.lines || []).forEach(function (line) {
          var id = form.querySelector('input[name="' + line.prefix + '-id"]');
          if (id) id.value = line.id;
        });
        savedEdits = sentEdits;
        if (dirty()) {
          keep();
          show("有未保存的修改", "dirty");
        } else {
          forget();
          show("已自动保存（" + body.saved_at + "）", "saved");
        }
        refreshChecks();
      })
      .catch(function (error) { show(error.message, "failed"); })
      .then(function () { saving = false; });
  }

  // The "提交前需处理" list as the server now sees the saved draft: the page's own list, read
  // from a fresh copy of the page (no request of its own to keep in step with the rules).
  function refreshChecks() {
    var current = document.getElementById("submit-checks");
    if (!current || !window.DOMParser) return;
    fetch(window.location.pathname, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("submit-checks");
        var shown = document.getElementById("submit-checks");
        if (fresh && shown) shown.replaceWith(document.importNode(fresh, true));
      })
      .catch(function () { /* the list stays as it was; 提交 checks again anyway */ });
  }

  setInterval(autosave, AUTOSAVE_EVERY);

  // -- Put back what this browser kept and the server never got ---------------------------------
  function setValue(element, value) {
    if (element.type === "checkbox") {
      element.checked = Boolean(value);
      return;
    }
    if (element.tagName === "SELECT" && value &&
        !Array.prototype.some.call(element.options, function (o) { return o.value === value; })) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      element.appendChild(option);
    }
    element.value = value;
    if (element.tagName === "SELECT") element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function restore() {
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.values) return;
    if (String(kept.version) !== versionInput.value) {
      forget(); // saved since (or changed by someone else): the server's form stands
      return;
    }
    var values = kept.values;
    var current = collect();
    var differing = Object.keys(values).filter(function (name) { return current[name] !== values[name]; });
    if (!differing.length) {
      forget();
      return;
    }
    var total = form.querySelector('input[name="lines-TOTAL_FORMS"]');
    var edit = window.evaluationEdit;
    if (total && edit) {
      var wanted = parseInt(values["lines-TOTAL_FORMS"], 10) || 0;
      while (parseInt(total.value, 10) < wanted) edit.addRow();
    }
    var headTotal = form.querySelector('input[name="head_extra-TOTAL_FORMS"]');
    if (headTotal && edit) {
      var headWanted = parseInt(values["head_extra-TOTAL_FORMS"], 10) || 0;
      while (parseInt(headTotal.value, 10) < headWanted && edit.addHeadRow()) { /* one more row */ }
    }
    Object.keys(values).forEach(function (name) {
      var element = form.querySelector('[name="' + name.replace(/"/g, '\\"') + '"]');
      if (element && named(element) && name !== "version") setValue(element, values[name]);
    });
    var body = document.getElementById("lines-body");
    if (body && edit) {
      var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-line]"));
      rows.forEach(function (tr) {
        var del = tr.querySelector('input[name$="-DELETE"]');
        tr.hidden = Boolean(del && del.checked);
      });
      rows.sort(function (a, b) {
        var oa = parseInt((a.querySelector('input[name$="-ORDER"]') || {}).value, 10) || 0;
        var ob = parseInt((b.querySelector('input[name$="-ORDER"]') || {}).value, 10) || 0;
        return oa - ob;
      });
      rows.forEach(function (tr) { body.appendChild(tr); });
      edit.renumber();
    }
    edits += 1;
    show("已恢复本浏览器中尚未保存的输入，请检查后保存。", "dirty");
    keep();
    window.scrollTo(0, 0);
  }

  restore();
})();
