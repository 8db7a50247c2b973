// Prose that follows the framework tabs: per-framework values ({value} roles,
// rendered as .framework-value) and {framework-only} blocks show the
// framework selected in the tabs.  sphinx-design keeps the tabs in sync and
// remembers the choice; this only reads which one is selected.  A value's
// text in the page is the default framework's (so that search snippets and
// readers without JavaScript see one value), the others are its data-fw-<tag>
// attributes.
(function () {
  function selected() {
    const label = document.querySelector(
      '.sd-tab-set > input:checked + label[data-sync-group="framework"]');
    return label ? label.getAttribute("data-sync-id") : null;
  }

  function show() {
    const framework = selected();
    if (!framework) return;
    document.querySelectorAll(".framework-value").forEach((el) => {
      const value = el.getAttribute("data-fw-" + framework);
      if (value !== null && el.textContent !== value) el.textContent = value;
    });
    document.querySelectorAll(".framework-only").forEach((el) => {
      el.classList.toggle("fw-hidden", !el.classList.contains("fw-" + framework));
    });
  }

  // After sphinx-design's own DOMContentLoaded handler restored the stored tab.
  document.addEventListener("DOMContentLoaded", () => setTimeout(show, 0));
  document.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.closest(".sd-tab-set")) {
      show();
    }
  });
})();
