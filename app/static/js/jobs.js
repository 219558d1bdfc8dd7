/* The progress bar of a background job: asks for its status every second until it is
   done or failed, then shows the download button or the error. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var script = document.currentScript;
  var countTemplate = script ? script.getAttribute("data-count-template") : "";
  var bar = document.getElementById("job-bar");
  function show(status) {
    bar.style.width = status.percent + "%";
    bar.setAttribute("aria-valuenow", status.percent);
    bar.textContent = status.percent + "%";
    document.getElementById("job-state").textContent = status.label;
    document.getElementById("job-count").textContent = countTemplate
      .replace("{done}", status.done).replace("{total}", status.total);
    if (status.error) {
      var error = document.getElementById("job-error");
      error.textContent = status.error;
      error.hidden = false;
      bar.className += " progress-bar-danger";
    }
    if (status.download) {
      var link = document.getElementById("job-download");
      link.href = status.download;
      link.hidden = false;
    }
  }
  function poll() {
    fetch(box.getAttribute("data-status-url"), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { return; }
        show(status);
        if (status.state === "queued" || status.state === "running") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  var state = box.getAttribute("data-state");
  if (state === "queued" || state === "running") { window.setTimeout(poll, 500); }
})();
