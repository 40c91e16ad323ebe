// Suggestions while typing in the site's search box. Progressive enhancement: without this
// script the box is a plain GET form to /search. The titles come from the server already
// escaped, with matches in <mark>.
(function () {
  "use strict";
  var DELAY_MS = 150;

  function setup(input) {
    var form = input.form, url = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    var timer = null, controller = null, active = -1, lastQuery = "";
    list.className = "suggestions";
    list.id = "suggestions-" + Math.random().toString(36).slice(2);
    list.setAttribute("role", "listbox");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() {
      lastQuery = "";
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function render(items) {
      list.innerHTML = "";
      active = -1;
      items.forEach(function (item, i) {
        if (!item.url) { return; }
        var li = document.createElement("li"), a = document.createElement("a");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        a.href = item.url;
        a.tabIndex = -1;
        a.innerHTML = item.title_html || "";  // escaped by the server
        var label = document.createElement("small");
        label.textContent = item.index_label;
        a.appendChild(label);
        li.appendChild(a);
        list.appendChild(li);
      });
      var any = list.children.length > 0;
      list.hidden = !any;
      input.setAttribute("aria-expanded", any ? "true" : "false");
    }

    function fetchSuggestions() {
      var q = input.value;
      if (q.trim() === "" || q === lastQuery) { if (q.trim() === "") { close(); } return; }
      lastQuery = q;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { "Accept": "application/json" }, credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) { if (input.value === q) { render(body.items || []); } })
        .catch(function () { /* the form still works without suggestions */ });
    }

    function move(step) {
      var options = list.children;
      if (!options.length) { return; }
      if (active >= 0) { options[active].setAttribute("aria-selected", "false"); }
      active = (active + step + options.length) % options.length;
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0 && !list.hidden) {
        e.preventDefault();
        window.location.href = list.children[active].firstChild.href;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) { return; }
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) { setup(inputs[i]); }
  });
})();
