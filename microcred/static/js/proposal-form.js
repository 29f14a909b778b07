/* Progressive enhancement of the proposal form; every step works without it (the server applies the same rules).

   1. Hide what a non-formal activity is not asked for (ECTS, EQF level, prior accreditation: policy 5.7.2) as soon
      as the kind changes.
   2. Learning-outcome rows added and removed without saving (issue #16). The rows are a Django formset: "Add a
      learning outcome" clones the empty row (<template id="outcome-template">, "__prefix__" replaced by the row's
      index) and raises TOTAL_FORMS; "Remove learning outcome n" ticks the row's DELETE box and hides the row, which
      the server then leaves out. Focus moves to the new row's text (or, after a removal, to the add button) and a
      polite live region says what happened. Without this script the empty rows and the DELETE boxes do the same
      when the step is saved. */
(function () {
  "use strict";
  var form = document.querySelector(".proposal-form");
  if (!form) { return; }

  // 1. The kind of learning.
  var formalOnly = ["ects", "eqf_level", "accredited_before_submission"];
  function updateKind() {
    var chosen = form.querySelector("input[name='p-kind']:checked");
    var nonFormal = chosen && chosen.value === "non_formal";
    formalOnly.forEach(function (name) {
      var field = document.getElementById("field-" + name);
      if (field) { field.hidden = nonFormal; }
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "p-kind") { updateKind(); }
  });
  updateKind();

  // 2. Learning-outcome rows.
  var rows = form.querySelector("[data-outcome-rows]");
  var template = document.getElementById("outcome-template");
  if (!rows || !template || !("content" in template)) { return; }
  var total = rows.querySelector("input[name$='-TOTAL_FORMS']");
  var max = rows.querySelector("input[name$='-MAX_NUM_FORMS']");
  var status = rows.querySelector("[data-rows-status]");
  if (!total) { return; }
  var prefix = total.name.replace(/-TOTAL_FORMS$/, "");

  function msg(name, values) {
    var text = rows.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(String(values[key])); });
    return text;
  }

  function announce(text) {
    // Emptied first, so the same sentence twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function visibleRows() {
    return Array.prototype.filter.call(rows.querySelectorAll("fieldset.outcome"), function (row) { return !row.hidden; });
  }

  // The legends and remove buttons say the row's place among the rows still shown.
  function renumber() {
    visibleRows().forEach(function (row, i) {
      var legend = row.querySelector("legend");
      var number = i + 1;
      if (legend) { legend.textContent = legend.getAttribute("data-text").split("{n}").join(String(number)); }
      row.setAttribute("data-number", String(number));
      var button = row.querySelector("button[data-remove-row]");
      if (button) { button.textContent = msg("remove-row", { n: number }); }
    });
  }

  var addButton = document.createElement("button");
  addButton.type = "button";
  addButton.className = "button-secondary button-brand-border";
  addButton.textContent = msg("add-row");
  var addWrap = document.createElement("p");
  addWrap.className = "outcome-add";
  addWrap.appendChild(addButton);
  template.parentNode.insertBefore(addWrap, template);

  var fullNote = document.createElement("p");
  fullNote.className = "help";
  fullNote.id = rows.id + "-full";
  fullNote.hidden = true;
  fullNote.textContent = msg("rows-full", { max: max ? max.value : "" });
  addWrap.appendChild(fullNote);

  function updateAdd() {
    // Rows marked for removal stay in TOTAL_FORMS; the server counts only the kept ones against the limit.
    var full = max && visibleRows().length >= parseInt(max.value, 10);
    addButton.disabled = !!full;
    fullNote.hidden = !full;
    if (full) { addButton.setAttribute("aria-describedby", fullNote.id); } else { addButton.removeAttribute("aria-describedby"); }
  }

  function enhance(row) {
    var legend = row.querySelector("legend");
    if (legend && !legend.getAttribute("data-text")) {
      // "Learning outcome 3" -> "Learning outcome {n}" (the number is the row's place, redone on each change).
      legend.setAttribute("data-text", legend.textContent.replace(/\d+|__number__/, "{n}"));
    }
    var box = row.querySelector("input[type=checkbox][name$='-DELETE']");
    if (!box) { return; }
    var wrap = box.closest(".outcome-remove") || box.parentNode;
    wrap.hidden = true;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-small button-secondary button-brand-border";
    button.setAttribute("data-remove-row", "");
    wrap.parentNode.insertBefore(button, wrap.nextSibling);
    if (box.checked) { row.hidden = true; }
    button.addEventListener("click", function () {
      var number = row.getAttribute("data-number");
      box.checked = true;
      row.hidden = true;
      renumber();
      updateAdd();
      addButton.focus();
      announce(msg("row-removed", { n: number }));
    });
  }

  addButton.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.split("__prefix__").join(String(index));
    var row = holder.querySelector("fieldset.outcome");
    rows.insertBefore(row, addWrap); // after the last row, before the add button
    total.value = String(index + 1);
    enhance(row);
    renumber();
    updateAdd();
    if (window.EscoPicker) { window.EscoPicker.init(row); }
    if (window.SkillSuggestions) { window.SkillSuggestions.attach(rows, row, parseInt(row.getAttribute("data-number"), 10)); }
    var text = row.querySelector("textarea");
    if (text) { text.focus(); }
    announce(msg("row-added", { n: row.getAttribute("data-number") }));
  });

  Array.prototype.forEach.call(rows.querySelectorAll("fieldset.outcome"), enhance);
  Array.prototype.forEach.call(rows.querySelectorAll("[data-without-script]"), function (note) { note.hidden = true; });
  renumber();
  updateAdd();
}());
