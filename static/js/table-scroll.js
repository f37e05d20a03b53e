/* Wide tables scroll inside their own box instead of making the page scroll sideways (WCAG 1.4.10).
   Each table.data-table not already in a .table-scroll gets one; while the table is wider than the
   box, the box is a labelled region in the tab order so keyboard users can scroll it (WCAG 2.1.1).
   Without JavaScript the table still reads as a table; only the page scrolls instead of the box. */
(function () {
  "use strict";

  var counter = 0;

  function ensureId(element, prefix) {
    if (!element.id) {
      counter += 1;
      element.id = prefix + "-" + counter;
    }
    return element.id;
  }

  function labelFor(table) {
    if (table.caption) {
      return { by: ensureId(table.caption, "table-caption") };
    }
    if (table.getAttribute("aria-label")) {
      return { text: table.getAttribute("aria-label") };
    }
    // The nearest heading before the table names it, as a sighted reader would take it.
    var headings = document.querySelectorAll("h1, h2, h3, h4");
    var found = null;
    for (var i = 0; i < headings.length; i += 1) {
      if (headings[i].compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) {
        found = headings[i];
      }
    }
    return found ? { by: ensureId(found, "table-heading") } : { text: document.title };
  }

  function wrap(table) {
    if (table.parentElement.classList.contains("table-scroll")) {
      return; // a container the template made itself, labelled there
    }
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.setAttribute("data-table-scroll", "");
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    var label = labelFor(table);
    if (label.by) {
      box.setAttribute("aria-labelledby", label.by);
    } else {
      box.setAttribute("aria-label", label.text);
    }
  }

  function update() {
    var boxes = document.querySelectorAll("[data-table-scroll]");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    }
  }

  function init() {
    var tables = document.querySelectorAll("table.data-table");
    for (var i = 0; i < tables.length; i += 1) {
      wrap(tables[i]);
    }
    update();
    window.addEventListener("resize", update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
