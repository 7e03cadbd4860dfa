// 导入Excel: tell the user at once when the chosen file cannot be imported (not .xlsx, too
// large), and keep the button from being pressed twice while the upload runs. The server checks
// everything again; this only saves a pointless upload.
(function () {
  "use strict";
  const form = document.getElementById("import-form");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const status = document.getElementById("import-status");
  const button = form.querySelector('button[type="submit"]');
  const maxBytes = Number(form.dataset.maxBytes) || 0;
  const label = button.textContent;

  function problem() {
    const file = input.files && input.files[0];
    if (!file) return "";
    if (!/\.xlsx$/i.test(file.name)) {
      return "请选择 .xlsx 格式的 Excel 文件；.xls、.csv 文件请先在 Excel 中另存为 .xlsx。";
    }
    if (maxBytes && file.size > maxBytes) {
      const mb = (n) => (n / 1048576).toFixed(1);
      return "文件大小为 " + mb(file.size) + " MB，超过上限 " + mb(maxBytes) + " MB。";
    }
    return "";
  }

  function show() {
    const text = problem();
    status.textContent = text;
    input.setAttribute("aria-invalid", text ? "true" : "false");
    return text;
  }

  input.addEventListener("change", show);
  form.addEventListener("submit", function (event) {
    if (show()) {
      event.preventDefault();
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = "正在导入…";
  });
  // Back from the next page: the button works again.
  window.addEventListener("pageshow", function () {
    button.disabled = false;
    button.textContent = label;
  });
  const errors = document.getElementById("import-errors");
  if (errors) errors.focus();
})();
