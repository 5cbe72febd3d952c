// A source's archived text in the admin (templates/admin/claims/candidate_quotes.html): any
// passage selected in it, with the mouse or the keyboard, becomes "New claim from the
// selection" or "Add the selection to a claim", by its offsets in the ORIGINAL text.
// Every piece of the text is an element saying where it starts there (data-o; a line break
// also says how many characters it was, data-n), so the offsets do not depend on how the
// browser stored line breaks; offsets count code points, as Python does. The region is made
// editable only so that a caret can move in it (Tab in, then Shift and the arrows): every
// edit is refused. No dependencies; loaded as a file, so the strict CSP allows it.
(function () {
  "use strict";

  // How many code points (Python's characters) a string holds: a surrogate pair is one.
  function codePoints(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      var low = c >= 0xdc00 && c <= 0xdfff;
      var afterHigh = i > 0 && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff;
      if (!(low && afterHigh)) { n++; }
    }
    return n;
  }

  function start(region) {
    var actions = document.getElementById("passage-actions");
    var status = document.getElementById("passage-status");
    var claim = document.getElementById("passage-claim");
    var cite = document.getElementById("passage-cite");
    var saved = region.innerHTML;
    var pieces = region.querySelectorAll("[data-o]");
    var chosen = null;

    function pieceOf(node) {
      var el = node.nodeType === 1 ? node : node.parentNode;
      return el && el !== region && region.contains(el) ? el.closest("[data-o]") : null;
    }

    function pieceStart(el) { return parseInt(el.getAttribute("data-o"), 10); }

    function pieceLength(el) {
      var n = el.getAttribute("data-n");
      return n === null ? codePoints(el.textContent) : parseInt(n, 10);
    }

    // The offset in the original text of a point (node, offset) of a selection.
    function offsetOf(node, offset) {
      if (node.nodeType === 3) {
        var el = pieceOf(node);
        if (el) {
          if (el.getAttribute("data-n") !== null) {
            return pieceStart(el) + (offset > 0 ? pieceLength(el) : 0);
          }
          return pieceStart(el) + codePoints(node.data.slice(0, offset));
        }
      }
      // an element boundary: the first piece at or after the point
      var point = document.createRange();
      point.setStart(node, offset);
      var lo = 0, hi = pieces.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (point.comparePoint(pieces[mid], 0) >= 0) { hi = mid; } else { lo = mid + 1; }
      }
      if (lo < pieces.length) { return pieceStart(pieces[lo]); }
      var last = pieces[pieces.length - 1];
      return last ? pieceStart(last) + pieceLength(last) : 0;
    }

    function show(text, span) {
      chosen = span;
      status.textContent = text;
      claim.disabled = cite.disabled = !span;
    }

    function read() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0) { return; }
      var range = selection.getRangeAt(0);
      if (!region.contains(range.commonAncestorContainer)) { return; }
      if (range.collapsed) {
        var mark = pieceOf(range.startContainer);
        if (mark && mark.tagName === "MARK") {
          show("In a quote found in the text (see its row below): the buttons take the whole quote.", {
            start: parseInt(mark.getAttribute("data-start"), 10),
            end: parseInt(mark.getAttribute("data-end"), 10)
          });
        } else {
          show("Nothing selected yet.", null);
        }
        return;
      }
      var from = offsetOf(range.startContainer, range.startOffset);
      var to = offsetOf(range.endContainer, range.endOffset);
      var words = selection.toString().trim().replace(/\s+/g, " ");
      if (to <= from || !words) { show("Nothing selected yet.", null); return; }
      var preview = words.length > 80 ? words.slice(0, 77) + "…" : words;
      show("Selected: “" + preview + "” (" + (to - from) + " characters).", { start: from, end: to });
    }

    function go(base) {
      if (!chosen) { return; }
      var url = base + "?start=" + chosen.start + "&end=" + chosen.end +
        "&sha256=" + encodeURIComponent(region.getAttribute("data-sha256"));
      window.location.assign(url);
    }

    region.setAttribute("contenteditable", "true");
    region.setAttribute("spellcheck", "false");
    region.setAttribute("role", "textbox");
    region.setAttribute("aria-readonly", "true");
    region.setAttribute("aria-multiline", "true");
    ["beforeinput", "paste", "cut", "drop"].forEach(function (name) {
      region.addEventListener(name, function (event) { event.preventDefault(); });
    });
    region.addEventListener("input", function () {  // an edit that could not be refused
      region.innerHTML = saved;
      pieces = region.querySelectorAll("[data-o]");
    });
    document.addEventListener("selectionchange", read);
    claim.addEventListener("click", function () { go(region.getAttribute("data-claim-url")); });
    cite.addEventListener("click", function () { go(region.getAttribute("data-cite-url")); });
    actions.hidden = false;
  }

  function init() {
    var region = document.getElementById("passage-text");
    if (region && document.getElementById("passage-actions")) { start(region); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
