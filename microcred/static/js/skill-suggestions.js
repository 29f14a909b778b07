/*
 * ESCO skill suggestions while a learning outcome is written (issue #13; policy 7.16).
 *
 * <div data-skill-suggestions data-endpoint="/api/v1/skills/suggest" data-msg-...> holds fieldsets
 * (.outcome), each with the outcome's <textarea> and the ESCO skill pickers (esco-picker.js). As the
 * proposer writes, the outcome is sent to the endpoint (after a pause in typing) and the ranked skills are
 * listed under it: each with a button that shows its description and one that adds it to the first free
 * skill picker. A polite live region says how many skills are suggested. Without this script the pickers
 * work on their own.
 *
 * data-msg-heading   the list's label ("{n}" is the outcome's number)
 * data-msg-results / data-msg-none / data-msg-error / data-msg-full / data-msg-added   announcements
 *                    ("{count}", "{label}" are replaced)
 * data-msg-add / data-msg-added-button / data-msg-describe / data-msg-no-description   button texts
 */
(function () {
  "use strict";

  var MIN_CHARS = 15;
  var PAUSE_MS = 500;

  function msg(root, name, values) {
    var text = root.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(String(values[key])); });
    return text;
  }

  // A button's text, with the skill's name after it for screen readers ("Add" -> "Add manage waste").
  function setText(button, text, label) {
    button.textContent = text;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + label;
    button.appendChild(hidden);
  }

  function Outcome(root, fieldset, number) {
    this.root = root;
    this.fieldset = fieldset;
    this.textarea = fieldset.querySelector("textarea");
    if (!this.textarea) { return; }
    this.pickers = Array.prototype.slice.call(fieldset.querySelectorAll("[data-esco-picker]"));
    this.timer = null;
    this.controller = null;
    this.lastText = null;
    var base = (this.textarea.id || ("outcome-" + number)) + "-suggestions";
    this.box = document.createElement("div");
    this.box.className = "skill-suggestions";
    this.box.hidden = true;
    this.heading = document.createElement("p");
    this.heading.className = "skill-suggestions-heading";
    this.heading.id = base + "-heading";
    this.heading.textContent = msg(root, "heading", { n: number });
    this.list = document.createElement("ul");
    this.list.id = base;
    this.list.setAttribute("aria-labelledby", this.heading.id);
    this.box.appendChild(this.heading);
    this.box.appendChild(this.list);
    this.status = document.createElement("div");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    var field = this.textarea.closest(".field") || this.textarea;
    field.parentNode.insertBefore(this.box, field.nextSibling);
    field.parentNode.insertBefore(this.status, this.box.nextSibling);
    var self = this;
    this.textarea.addEventListener("input", function () {
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () { self.fetch(); }, PAUSE_MS);
    });
    this.list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var item = button.closest("li");
      if (button.getAttribute("data-action") === "add") { self.add(item, button); }
      if (button.getAttribute("data-action") === "describe") { self.toggle(button); }
    });
    if (this.textarea.value.trim().length >= MIN_CHARS) { this.fetch(); }
  }

  Outcome.prototype.chosenUris = function () {
    return this.pickers.map(function (picker) {
      var target = document.getElementById(picker.getAttribute("data-value-target"));
      return target ? target.value : "";
    }).filter(Boolean);
  };

  Outcome.prototype.fetch = function () {
    var text = this.textarea.value.trim();
    if (text.length < MIN_CHARS) { this.box.hidden = true; this.lastText = null; return; }
    if (text === this.lastText) { return; }
    this.lastText = text;
    if (this.controller) { this.controller.abort(); }
    this.controller = typeof AbortController === "function" ? new AbortController() : null;
    var self = this;
    window.fetch(this.root.getAttribute("data-endpoint"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ text: text.slice(0, 2000), language: "en", limit: 8 }),
      signal: this.controller ? this.controller.signal : undefined
    })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (data) { self.show(data.results || []); })
      .catch(function (err) {
        if (err && err.name === "AbortError") { return; }
        self.box.hidden = true;
        self.status.textContent = msg(self.root, "error");
      });
  };

  Outcome.prototype.show = function (results) {
    var self = this;
    var chosen = this.chosenUris();
    this.list.textContent = "";
    results.forEach(function (result, i) {
      var li = document.createElement("li");
      li.setAttribute("data-uri", result.uri);
      li.setAttribute("data-label", result.label);
      var label = document.createElement("span");
      label.className = "skill-suggestion-label";
      label.id = self.list.id + "-" + i;
      label.textContent = result.label;
      li.appendChild(label);
      var describe = document.createElement("button");
      describe.type = "button";
      describe.className = "button-small skill-describe";
      describe.setAttribute("data-action", "describe");
      describe.setAttribute("aria-expanded", "false");
      describe.setAttribute("aria-controls", self.list.id + "-" + i + "-description");
      setText(describe, msg(self.root, "describe"), result.label);
      var add = document.createElement("button");
      add.type = "button";
      add.className = "button-small";
      add.setAttribute("data-action", "add");
      var already = chosen.indexOf(result.uri) !== -1;
      setText(add, already ? msg(self.root, "added-button") : msg(self.root, "add"), result.label);
      add.disabled = already;
      var description = document.createElement("p");
      description.className = "skill-suggestion-description";
      description.id = self.list.id + "-" + i + "-description";
      description.hidden = true;
      description.textContent = result.description || msg(self.root, "no-description");
      li.appendChild(document.createTextNode(" "));
      li.appendChild(add);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(describe);
      li.appendChild(description);
      self.list.appendChild(li);
    });
    this.box.hidden = results.length === 0;
    this.status.textContent = results.length ? msg(this.root, "results", { count: results.length }) : msg(this.root, "none");
  };

  Outcome.prototype.toggle = function (button) {
    var description = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    description.hidden = !open;
  };

  Outcome.prototype.add = function (item, button) {
    var uri = item.getAttribute("data-uri");
    var label = item.getAttribute("data-label");
    var free = null;
    this.pickers.some(function (picker) {
      var text = picker.querySelector("input[type=text]");
      var target = document.getElementById(picker.getAttribute("data-value-target"));
      if (text && target && !target.value && !text.value.trim()) { free = { text: text, target: target }; return true; }
      return false;
    });
    if (!free) { this.status.textContent = msg(this.root, "full"); return; }
    free.text.value = label;
    free.target.value = uri;
    button.disabled = true;
    setText(button, msg(this.root, "added-button"), label);
    this.status.textContent = msg(this.root, "added", { label: label });
    free.text.dispatchEvent(new Event("change", { bubbles: true }));
  };

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-skill-suggestions]"), function (root) {
      if (!window.fetch) { return; }
      Array.prototype.forEach.call(root.querySelectorAll("fieldset.outcome"), function (fieldset, i) {
        new Outcome(root, fieldset, i + 1);
      });
    });
  }

  // A learning-outcome row added by proposal-form.js (issue #16) gets its suggestions too.
  window.SkillSuggestions = {
    attach: function (root, fieldset, number) {
      if (window.fetch) { new Outcome(root, fieldset, number); } // eslint-disable-line no-new
    }
  };

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
