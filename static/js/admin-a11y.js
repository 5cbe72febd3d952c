// Select2, which Django's admin uses for autocomplete fields, leaves its inline search box
// without a label and puts a <span> in a <ul>. Name the box after the field it belongs to
// and let the rendered choices be a list of their own, whenever Select2 draws them.
(function () {
  "use strict";
  function fix(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (input) {
      var container = input.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      input.setAttribute("aria-label", "Search " + (label ? label.textContent.replace(/:$/, "") : "choices"));
    });
    root.querySelectorAll(".select2-selection[role=combobox]:not([aria-label]), .select2-selection__rendered[role=textbox]:not([aria-label])").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (label) { box.setAttribute("aria-label", label.textContent.replace(/:$/, "")); }
    });
    root.querySelectorAll("ul.select2-selection__rendered:not([role])").forEach(function (list) {
      list.setAttribute("role", "list");
      Array.prototype.forEach.call(list.children, function (child) {
        if (child.tagName !== "LI") { child.setAttribute("role", "listitem"); }
      });
    });
  }
  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
