// A failed save reloads at the top: move focus to the error summary so it is seen and read out first.
(function () {
  var heading = document.getElementById("error-summary-h");
  if (heading) {
    heading.focus();
  }
})();
