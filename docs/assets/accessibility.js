// Accessibility fixes to the theme's markup: Material's search overlay is a dialog
// without an accessible name (axe-core rule aria-dialog-name).
(function () {
  "use strict";
  const label = document.documentElement.lang.startsWith("zh") ? "搜索" : "Search";
  document.querySelectorAll('.md-search[role="dialog"]').forEach((dialog) => {
    if (!dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", label);
  });
})();
