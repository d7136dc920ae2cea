// Copy buttons: <button data-copy="ID" data-copied="…" hidden> copies the text of the element
// with that id to the clipboard. The buttons stay hidden until this script shows them, so a
// reader without JavaScript (or without a clipboard) meets no dead button; the text itself
// stays selectable either way. A static file, as the strict CSP allows no inline script.
(function () {
  "use strict";

  function reveal(root) {
    if (!navigator.clipboard || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("button[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    reveal(document);
  });
  // Content htmx swaps in (an evidence line after a withdrawal, a list's next page).
  document.addEventListener("htmx:load", function (event) {
    reveal(event.detail.elt);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) {
      return;
    }
    var source = document.getElementById(button.dataset.copy);
    if (!source) {
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(
      function () {
        // Stays "Copied": a label that changes back on a timer is easily missed.
        button.textContent = button.dataset.copied;
      },
      function (error) {
        // Refused (no permission, page not focused): select the text for the reader to copy.
        var range = document.createRange();
        range.selectNodeContents(source);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        console.warn("copy refused:", error);
      }
    );
  });
})();
