/*
 * ESCO type-ahead: turns <div data-esco-picker> (containing a text input) into an ARIA 1.2 combobox
 * with a listbox of suggestions fetched from the JSON API (/api/v1/skills or /api/v1/occupations).
 *
 * Without this script the text input and its form work on their own (server-side search or exact name).
 *
 * data-endpoint        API URL (returns {count, results: [{uri, label, matched_label, type, collections}]})
 * data-endpoint-field  optional: name of a radio group in the same form; value "occupations" switches to
 *                      data-endpoint-occupations
 * data-lang / data-lang-field  optional: fixed label language, or name of a select giving it
 * data-value-target    optional: id of a hidden input that receives the chosen URI; without it, choosing a
 *                      suggestion puts its label in the text box and submits the form
 * data-min-chars       characters before suggestions appear (default 2)
 * data-msg-results / data-msg-none / data-msg-error   announcements ("{count}" is replaced)
 */
(function () {
  "use strict";

  var counter = 0;

  function Picker(root) {
    this.root = root;
    this.input = root.querySelector("input[type=text], input[type=search], input:not([type])");
    if (!this.input) { return; }
    this.form = this.input.form;
    this.minChars = parseInt(root.getAttribute("data-min-chars") || "2", 10);
    this.target = root.getAttribute("data-value-target") ? document.getElementById(root.getAttribute("data-value-target")) : null;
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    this.lastQuery = null;
    counter += 1;
    var base = this.input.id || ("esco-picker-" + counter);
    this.listbox = document.createElement("ul");
    this.listbox.id = base + "-listbox";
    this.listbox.className = "esco-picker-listbox";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.hidden = true;
    var labelledBy = this.input.labels && this.input.labels.length ? this.input.labels[0] : null;
    if (labelledBy) {
      if (!labelledBy.id) { labelledBy.id = base + "-label"; }
      this.listbox.setAttribute("aria-labelledby", labelledBy.id);
    }
    this.status = document.createElement("div");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    root.appendChild(this.listbox);
    root.appendChild(this.status);

    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", this.listbox.id);
    this.input.setAttribute("autocomplete", "off");

    var self = this;
    this.input.addEventListener("input", function () { self.onInput(); });
    this.input.addEventListener("keydown", function (e) { self.onKeyDown(e); });
    this.input.addEventListener("blur", function () { window.setTimeout(function () { self.close(); }, 150); });
    this.listbox.addEventListener("mousedown", function (e) { e.preventDefault(); });
    this.listbox.addEventListener("click", function (e) {
      var option = e.target.closest("[role=option]");
      if (option) { self.choose(parseInt(option.getAttribute("data-index"), 10)); }
    });
  }

  Picker.prototype.message = function (name, count) {
    var text = this.root.getAttribute("data-msg-" + name) || "";
    return text.replace("{count}", String(count));
  };

  Picker.prototype.endpoint = function () {
    var field = this.root.getAttribute("data-endpoint-field");
    if (field && this.form && this.form.elements[field] && this.form.elements[field].value === "occupations") {
      return this.root.getAttribute("data-endpoint-occupations");
    }
    return this.root.getAttribute("data-endpoint");
  };

  Picker.prototype.language = function () {
    var field = this.root.getAttribute("data-lang-field");
    if (field && this.form && this.form.elements[field]) { return this.form.elements[field].value; }
    return this.root.getAttribute("data-lang") || "";
  };

  Picker.prototype.onInput = function () {
    var self = this;
    if (this.target) { this.target.value = ""; }
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(); }, 150);
  };

  Picker.prototype.fetch = function () {
    var q = this.input.value.trim();
    if (q.length < this.minChars) { this.lastQuery = null; this.close(); return; }
    var url = this.endpoint() + "?search=" + encodeURIComponent(q) + "&limit=10";
    var lang = this.language();
    if (lang) { url += "&lang=" + encodeURIComponent(lang); }
    if (url === this.lastQuery) { return; }
    this.lastQuery = url;
    if (this.controller) { this.controller.abort(); }
    this.controller = typeof AbortController === "function" ? new AbortController() : null;
    var self = this;
    window.fetch(url, { headers: { Accept: "application/json" }, signal: this.controller ? this.controller.signal : undefined })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (data) { self.show(data.results || []); })
      .catch(function (err) {
        if (err && err.name === "AbortError") { return; }
        self.close();
        self.status.textContent = self.message("error", 0);
      });
  };

  Picker.prototype.show = function (results) {
    this.results = results;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.listbox.textContent = "";
    var self = this;
    results.forEach(function (result, i) {
      var li = document.createElement("li");
      li.id = self.listbox.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(i));
      var label = document.createElement("span");
      label.className = "esco-picker-label";
      label.textContent = result.label;
      li.appendChild(label);
      if (result.matched_label && result.matched_label !== result.label) {
        var matched = document.createElement("span");
        matched.className = "esco-picker-matched";
        matched.textContent = " (" + result.matched_label + ")";
        li.appendChild(matched);
      }
      var type = document.createElement("span");
      type.className = "tag";
      type.textContent = result.type;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(type);
      self.listbox.appendChild(li);
    });
    var open = results.length > 0;
    this.listbox.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    this.status.textContent = open ? this.message("results", results.length) : this.message("none", 0);
  };

  Picker.prototype.close = function () {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.isOpen = function () { return !this.listbox.hidden; };

  Picker.prototype.move = function (delta) {
    if (!this.results.length) { return; }
    if (!this.isOpen()) { this.listbox.hidden = false; this.input.setAttribute("aria-expanded", "true"); }
    var options = this.listbox.querySelectorAll("[role=option]");
    if (this.active >= 0) { options[this.active].setAttribute("aria-selected", "false"); }
    this.active = (this.active + delta + options.length) % options.length;
    var option = options[this.active];
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.choose = function (index) {
    var result = this.results[index];
    if (!result) { return; }
    this.input.value = result.label;
    this.lastQuery = null;
    this.close();
    if (this.target) {
      this.target.value = result.uri;
      this.target.dispatchEvent(new Event("change", { bubbles: true }));
      this.status.textContent = result.label;
    } else if (this.form) {
      if (typeof this.form.requestSubmit === "function") { this.form.requestSubmit(); } else { this.form.submit(); }
    }
  };

  Picker.prototype.onKeyDown = function (e) {
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!this.isOpen() && !this.results.length) { this.fetch(); } else { this.move(1); }
        break;
      case "ArrowUp":
        e.preventDefault();
        this.move(-1);
        break;
      case "Enter":
        if (this.isOpen() && this.active >= 0) { e.preventDefault(); this.choose(this.active); }
        break;
      case "Escape":
        if (this.isOpen()) { e.preventDefault(); this.close(); } else if (this.input.value) { e.preventDefault(); this.input.value = ""; if (this.target) { this.target.value = ""; } }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  function init(scope) {
    (scope || document).querySelectorAll("[data-esco-picker]").forEach(function (root) {
      if (root.getAttribute("data-esco-picker-ready")) { return; }
      root.setAttribute("data-esco-picker-ready", "1");
      new Picker(root); // eslint-disable-line no-new
    });
  }

  window.EscoPicker = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else {
    init();
  }
}());
