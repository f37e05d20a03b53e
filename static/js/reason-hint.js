/* As the user types a text the letter prints as NAV's facts or reasoning, say what is still missing: a
   placeholder ("x", "se over"), too few words, or the same text as another field. Only a hint: the server
   applies the same rule (utestenging/reasons.py) when the form is sent, and the page works without this file.
   The rule's settings and messages come from the page (#reason-hint-settings), in the user's language. */
(function () {
  "use strict";

  function normal(text) {
    return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim().replace(/\s+/g, " ");
  }

  function fill(message, values) {
    return message.replace(/%\((\w+)\)[sd]/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function init() {
    var source = document.getElementById("reason-hint-settings");
    if (!source) {
      return;
    }
    var settings = JSON.parse(source.textContent);
    var placeholders = new Set(settings.placeholders);
    var fields = Array.prototype.slice.call(document.querySelectorAll("[data-reason]"));

    function problem(field) {
      var text = field.value;
      if (!text.trim()) {
        return null; // not written yet: the checklist says what is missing
      }
      var said = normal(text);
      if (!said || placeholders.has(said)) {
        return { text: fill(settings.messages.placeholder, { text: text.trim() }), ok: false };
      }
      var needed = settings.min_words[field.dataset.reason];
      var count = said.split(" ").length;
      if (count < needed) {
        return { text: fill(settings.messages.short, { needed: needed, count: count }), ok: false };
      }
      if (field.dataset.reason !== "fact") {
        for (var i = 0; i < fields.length; i += 1) {
          var other = fields[i];
          if (other !== field && other.form === field.form && other.dataset.reason !== "fact" &&
              normal(other.value) === said) {
            return { text: fill(settings.messages.same, { other: other.dataset.reasonLabel }), ok: false };
          }
        }
      }
      return { text: settings.messages.ok, ok: true };
    }

    function hintFor(field) {
      var id = field.id + "_reasonhint";
      var hint = document.getElementById(id);
      if (!hint) {
        hint = document.createElement("p");
        hint.id = id;
        hint.className = "reason-hint";
        hint.setAttribute("aria-live", "polite");
        hint.setAttribute("data-reason-hint", "");
        field.insertAdjacentElement("afterend", hint);
        var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
        described.push(id);
        field.setAttribute("aria-describedby", described.join(" "));
      }
      return hint;
    }

    function update(field) {
      var found = problem(field);
      var hint = hintFor(field);
      hint.hidden = found === null;
      hint.textContent = found ? found.text : "";
      hint.classList.toggle("reason-hint--missing", Boolean(found && !found.ok));
      hint.classList.toggle("reason-hint--ok", Boolean(found && found.ok));
    }

    fields.forEach(function (field) {
      if (!field.id) {
        return;
      }
      update(field);
      field.addEventListener("input", function () {
        // A copy may be made or undone in any field of the form: look at them all.
        fields.forEach(function (each) {
          if (each.id && each.form === field.form) {
            update(each);
          }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
