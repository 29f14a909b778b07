/* Progressive enhancement of the proposal form: hide what a non-formal activity is not asked for
   (ECTS, EQF level, prior accreditation: policy 5.7.2) as soon as the kind changes. The server
   applies the same rule when the draft is saved, so nothing depends on this script. */
(function () {
  "use strict";
  var form = document.querySelector(".proposal-form");
  if (!form) { return; }
  var formalOnly = ["ects", "eqf_level", "accredited_before_submission"];
  function update() {
    var chosen = form.querySelector("input[name='p-kind']:checked");
    var nonFormal = chosen && chosen.value === "non_formal";
    formalOnly.forEach(function (name) {
      var field = document.getElementById("field-" + name);
      if (field) { field.hidden = nonFormal; }
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "p-kind") { update(); }
  });
  update();
}());
