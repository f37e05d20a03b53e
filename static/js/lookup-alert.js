/* The look-up's interrupting alert (as NAV's Modia): a modal alert dialog that takes the focus and
   hides the answer until "Jeg har forstått" is pressed. Without JavaScript the same link shows the
   answer through its #target (see site.css), so the page works without this file. */
(function () {
  "use strict";

  function init() {
    var gate = document.querySelector("[data-lookup-gate]");
    if (!gate) {
      return;
    }
    var dialog = gate.querySelector("[role=alertdialog]");
    var acknowledge = gate.querySelector("[data-lookup-acknowledge]");
    var answer = document.getElementById("svar");
    var outside = Array.prototype.filter.call(document.querySelectorAll("body > *"), function (element) {
      return !element.contains(gate);
    });

    if (window.location.hash === "#svar") {
      return; // acknowledged already (the no-JS path before the script loaded)
    }
    document.documentElement.classList.add("lookup-modal-open");
    outside.forEach(function (element) { element.inert = true; });
    dialog.focus();

    function close(event) {
      if (event) {
        event.preventDefault();
      }
      gate.hidden = true;
      answer.classList.remove("lookup-answer--gated");
      document.documentElement.classList.remove("lookup-modal-open");
      outside.forEach(function (element) { element.inert = false; });
      document.removeEventListener("keydown", trap, true);
      answer.focus();
    }

    // Keep the keyboard inside the dialog: its one control is the acknowledgement.
    function trap(event) {
      if (event.key === "Tab") {
        event.preventDefault();
        acknowledge.focus();
      } else if (event.key === " " && document.activeElement === acknowledge) {
        close(event); // a link styled as a button answers Space as well as Enter
      } else if (event.key === "Escape") {
        event.preventDefault(); // must be acknowledged, not dismissed
      }
    }

    acknowledge.addEventListener("click", close);
    document.addEventListener("keydown", trap, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
