/* Updates the issuance progress bar from the job's progress.json until it finishes. Without this
   script the page still shows the state it was loaded with, and reloading updates it. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.done) { return; }
  var bar = document.getElementById("job-progress");
  function update(data) {
    bar.max = data.total || 1;
    bar.value = data.issued + data.already_issued + data.failed;
    bar.textContent = data.percent + "%";
    Object.keys(data).forEach(function (key) {
      var el = box.querySelector("[data-field='" + key + "']");
      if (el) { el.textContent = data[key]; }
    });
    return data.status === "done" || data.status === "failed";
  }
  function poll() {
    fetch(box.dataset.progressUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (!update(data)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}());
