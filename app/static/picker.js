// The picker (app.core.forms.PickerField): turns <div class="picker" data-picker-url> – a <select> and a
// plain search that works without JavaScript – into a type-ahead combobox (WAI-ARIA 1.2 combobox with a
// listbox popup). Matches come from the app (/picker/<kind>?q=) with what tells them apart. A short
// choice's select holds every choice, and only those are offered, so the server's checks and the page
// agree. A long one's (data-picker-remote) holds only what is chosen: the app's matches are offered, the
// URL narrowed as the field's choices are, and a choice adds its option; the server checks the post.
// The select stays in the form, hidden, and carries the value that is posted.
(function () {
  "use strict";

  function enhance(box) {
    var select = box.querySelector("select");
    var url = box.getAttribute("data-picker-url");
    if (!select || !url) { return; }
    var search = box.querySelector(".picker-search");
    var label = document.querySelector('label[for="' + select.id + '"]');
    var remote = box.hasAttribute("data-picker-remote");
    var allowed = {};
    var blank = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value === "") { blank = option.text; } else { allowed[option.value] = option.text; }
    });

    var input = document.createElement("input");
    var list = document.createElement("ul");
    var status = document.createElement("span");
    input.type = "text";
    input.id = select.id + "-combobox";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", select.id + "-listbox");
    ["aria-describedby", "aria-invalid", "aria-required"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });
    if (blank !== null || select.multiple) { input.placeholder = box.getAttribute("data-picker-placeholder") || ""; }
    list.id = select.id + "-listbox";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    if (label) {
      if (!label.id) { label.id = select.id + "-label"; }
      label.htmlFor = input.id;
      list.setAttribute("aria-labelledby", label.id);
    }

    var multiple = select.multiple;
    var chosenList = null;
    if (multiple) {
      chosenList = document.createElement("ul");
      chosenList.className = "picker-chosen";
      if (label) { chosenList.setAttribute("aria-labelledby", label.id); }
    }
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function optionFor(value) {
      return Array.prototype.filter.call(select.options, function (o) { return o.value === value; })[0];
    }

    function chosenText() {
      var option = !multiple && select.value ? optionFor(select.value) : null;
      return option ? option.text : "";
    }

    // A long choice's select gets the option of what is chosen from the app's answer.
    function ensureOption(li) {
      var value = li.getAttribute("data-value");
      var option = optionFor(value);
      if (!option) {
        option = new Option(li.getAttribute("data-label"), value);
        select.appendChild(option);
      }
      return option;
    }

    // A multiple choice: the chosen ones listed, each with a button that takes it away.
    function renderChosen() {
      if (!multiple) { return; }
      chosenList.textContent = "";
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.selected) { return; }
        var li = document.createElement("li");
        var remove = document.createElement("button");
        li.textContent = option.text + " ";
        remove.type = "button";
        remove.className = "link";
        remove.textContent = box.getAttribute("data-picker-remove") || "×";
        remove.setAttribute("aria-label", remove.textContent + " " + option.text);
        remove.addEventListener("click", function () {
          option.selected = false;
          renderChosen();
          input.focus();
        });
        li.appendChild(remove);
        chosenList.appendChild(li);
      });
      chosenList.hidden = !chosenList.children.length;
    }

    function close() {
      // A search still waiting (typed just before) or under way must not open the list again.
      clearTimeout(timer);
      asked++;
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(i) {
      if (!options.length) { return; }
      active = (i + options.length) % options.length;
      options.forEach(function (li, j) { li.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({block: "nearest"});
    }

    function choose(li) {
      var option = ensureOption(li);
      if (multiple) {
        option.selected = true;
        renderChosen();
      } else {
        select.value = option.value;
      }
      input.value = chosenText();
      select.dispatchEvent(new Event("change", {bubbles: true}));
      close();
    }

    function show(results) {
      list.textContent = "";
      options = [];
      results.forEach(function (r) {
        if (!remote && !Object.prototype.hasOwnProperty.call(allowed, String(r.id))) { return; }
        var existing = optionFor(String(r.id));
        if (multiple && existing && existing.selected) { return; }
        var li = document.createElement("li");
        li.id = list.id + "-" + r.id;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", String(r.id));
        li.setAttribute("data-label", r.label);
        li.textContent = r.label;
        if (r.detail) {
          var detail = document.createElement("span");
          detail.className = "picker-detail";
          detail.textContent = " – " + r.detail;
          li.appendChild(detail);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(li); });
        list.appendChild(li);
        options.push(li);
      });
      var count = box.getAttribute(options.length ? "data-picker-count" : "data-picker-none") || "";
      status.textContent = count.replace("%(n)s", String(options.length));
      list.hidden = !options.length;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }

    function ask() {
      clearTimeout(timer);  // asked now (ArrowDown): not again when the typing's delay runs out
      var q = input.value.trim();
      var mine = ++asked;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) { if (mine === asked) { show(data.results || []); } })
        .catch(function () { if (mine === asked) { show([]); } });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!multiple && !input.value.trim() && blank !== null) { select.value = ""; }
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { ask(); } else { setActive(active + 1); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options[active]);
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); }
        close();
        input.value = chosenText();
      }
    });
    input.addEventListener("blur", function () {
      close();
      if (!multiple && !input.value.trim() && blank !== null) { select.value = ""; }
      input.value = chosenText();
    });

    input.value = chosenText();
    select.hidden = true;
    select.tabIndex = -1;
    if (search) { search.hidden = true; }
    box.insertBefore(status, select);
    box.insertBefore(list, select);
    box.insertBefore(input, list);
    if (multiple) { box.insertBefore(chosenList, input); renderChosen(); }
    box.classList.add("picker-enhanced");
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) { return; }  // the plain select and search stay
    Array.prototype.forEach.call(document.querySelectorAll("div.picker[data-picker-url]"), enhance);
  });
}());
