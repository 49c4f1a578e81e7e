// The admin's accessibility fixes (docs/accessibility.md), applied as its own scripts build
// their widgets: a MutationObserver names them the moment they appear.
(function () {
  "use strict";

  function fix(root) {
    if (!root.querySelectorAll) return;
    // SelectFilter's search icons carry aria-label on a bare <span>: give them a role.
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (el) {
      el.setAttribute("role", "img");
    });
    // select2 (autocomplete fields) names its combobox by the selected value, which is
    // empty when nothing is chosen: name it by the field's label instead.
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(function (el) {
      var container = el.closest(".select2");
      var select = container && container.previousElementSibling;
      var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (!label) return;
      var name = label.textContent.replace(/[:：]\s*$/, "").trim();
      [el, el.querySelector(".select2-selection__rendered[role=textbox]")].forEach(function (n) {
        if (n && !n.getAttribute("aria-label")) n.setAttribute("aria-label", name);
      });
    });
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        fix(node.parentNode || node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
  });
})();
