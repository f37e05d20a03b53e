// A link to a field (a checklist item's "put right here") scrolls to it; this also puts the cursor in it,
// or in the first control of a group or fieldset, so the user can start typing.
(function () {
  function focusTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) {
      return;
    }
    // Only fields, a widget's group (Django names it id_<field>) or a fieldset: a link to a page region
    // (the skip link to #main) keeps its own behaviour.
    var control = target.matches("input, select, textarea")
      ? target
      : (target.matches("fieldset, [id^=id_]") ? target.querySelector("input:not([type=hidden]), select, textarea") : null);
    if (control) {
      control.focus();
    }
  }
  // After load: Chromium scrolls to the fragment once the page has its styles, and that resets the focus.
  window.addEventListener("load", function () {
    window.setTimeout(focusTarget, 0);
  });
  window.addEventListener("hashchange", focusTarget);
})();
