// Builds the aim statement as the team types (the server builds the same sentence on save).
(function () {
  var form = document.getElementById("project-form");
  var preview = document.getElementById("aim-preview");
  if (!form || !preview) return;
  var what = form.querySelector("[name=aim_what]");
  var howMuch = form.querySelector("[name=aim_how_much]");
  var byWhen = form.querySelector("[name=aim_by_when]");
  function when() {
    if (!byWhen.value) return "";
    var d = new Date(byWhen.value + "T00:00:00");
    return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  }
  function update() {
    if (!what.value && !howMuch.value && !byWhen.value) {
      preview.textContent = "fill in the three parts above";
      return;
    }
    preview.textContent = (what.value || "…") + ": " + (howMuch.value || "…") + " by " + (when() || "…");
  }
  [what, howMuch, byWhen].forEach(function (el) { el.addEventListener("input", update); });
  update();
})();
