// Batch export page: poll the export's status and move the progress bar until it is finished.
// The page is rendered with the current state, so a reload picks up where it was.
(function () {
  "use strict";
  var box = document.getElementById("batch-export");
  if (!box) return;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("export-bar");
  var statusLine = document.getElementById("export-status");
  var errorLine = document.getElementById("export-error");
  var download = document.getElementById("export-download");
  var delay = 1000;

  function show(data) {
    bar.style.width = data.percent + "%";
    bar.textContent = data.percent + "%";
    bar.setAttribute("aria-valuenow", String(data.percent));
    bar.classList.toggle("bg-success", data.status === "done");
    bar.classList.toggle("bg-danger", data.status === "failed");
    bar.classList.toggle("progress-bar-striped", data.status === "queued" || data.status === "running");
    bar.classList.toggle("progress-bar-animated", data.status === "running");
    statusLine.textContent = data.status_label + "：已完成 " + data.done + " / " + data.total + " 张";
    if (data.error) {
      errorLine.textContent = data.error;
      errorLine.classList.remove("d-none");
    }
    if (data.download_url) {
      download.href = data.download_url;
      download.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        delay = 1000;
        show(data);
        if (data.status === "queued" || data.status === "running") setTimeout(poll, delay);
      })
      .catch(function () {
        // The server or the network is away for a moment: try again, less often.
        delay = Math.min(delay * 2, 15000);
        statusLine.textContent = "暂时无法获取进度，" + Math.round(delay / 1000) + " 秒后重试……";
        setTimeout(poll, delay);
      });
  }

  bar.style.width = (bar.dataset.percent || "0") + "%";
  poll();
})();
