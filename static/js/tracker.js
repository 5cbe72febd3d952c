/* Rust Tracker: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* htmx: leave empty filter values out of requests, so pushed URLs stay short. */
  document.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    var keys = [];
    if (params && typeof params.forEach === "function") {
      params.forEach(function (value, key) { keys.push(key); });
    } else if (params) {
      keys = Object.keys(params);
    }
    keys.forEach(function (key) {
      var value = params instanceof FormData ? params.getAll(key) : params[key];
      var empty = Array.isArray(value) ? value.every(function (v) { return v === ""; }) : value === "";
      if (empty) {
        if (params instanceof FormData) { params.delete(key); } else { delete params[key]; }
      }
    });
  });

  /* Tell assistive technology when a region is being replaced. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.target) { event.detail.target.setAttribute("aria-busy", "true"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.target) { event.detail.target.removeAttribute("aria-busy"); }
  });

  /* htmx restores a page from its history snapshot with the form as first rendered: put
     the filters back to what the restored URL says, so form and results agree. */
  function syncFiltersFromURL() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[data-sync-url]").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!field.name || field.type === "submit" || field.type === "button") { return; }
        field.value = params.get(field.name) || "";
      });
    });
  }
  document.addEventListener("htmx:historyRestore", syncFiltersFromURL);

  /* On a phone, fold the extra filters away unless one of them is in use. */
  var narrow = window.matchMedia("(max-width: 56rem)");
  narrow.addEventListener("change", function () {
    if (!narrow.matches) {
      document.querySelectorAll("details.more-filters").forEach(function (d) { d.open = true; });
    }
  });
  function foldFilters() {
    if (!narrow.matches) { return; }
    document.querySelectorAll("details.more-filters").forEach(function (details) {
      var used = Array.prototype.some.call(
        details.querySelectorAll("input, select"),
        function (field) { return field.value !== ""; }
      );
      if (!used) { details.open = false; }
    });
  }

  /* Copy buttons: shown only when the clipboard can be used. */
  function setUpCopy() {
    if (!navigator.clipboard) { return; }
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var target = document.querySelector(button.getAttribute("data-copy"));
      if (!target) { return; }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.value || target.textContent).then(function () {
          button.textContent = "Copied";
          window.setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  function ready() {
    foldFilters();
    setUpCopy();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
