// The progress of a report the worker builds (templates/admin/report_run.html): asks the
// run's status.json every second, shows the percentage, and reloads the page when the
// report is ready (the page then offers the download) or could not be made.
(function () {
  "use strict";
  var box = document.getElementById("report-run");
  if (!box) { return; }
  var bar = document.getElementById("report-progress");
  var text = document.getElementById("report-status");
  var url = box.getAttribute("data-status");

  function ask() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        bar.value = status.progress;
        bar.textContent = status.progress + "%";
        if (text.textContent !== status.text) { text.textContent = status.text; }
        if (status.state === "done" || status.state === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(ask, 1000);
        }
      })
      .catch(function () { window.setTimeout(ask, 3000); });
  }
  window.setTimeout(ask, 1000);
}());
