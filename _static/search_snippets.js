// Search results: the snippet under each result is prose, not page chrome,
// LaTeX source or code.  Sphinx's searchtools.js makes it from the text of the
// page's [role="main"] element (Search.htmlToText), which in this theme also
// holds the download buttons and the page's table of contents; before MathJax
// runs, a formula is its TeX source ("\mathbf{A}_{ij}"), and code cells fill
// most of the chapter.  Keep the article's prose, then squeeze the whitespace.
(() => {
  const NOT_PROSE = [
    ".math", "div.cell_input", "div.cell_output", "div.highlight",
    ".sd-tab-set > label",
  ].join(", ");

  function prose(htmlString) {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    const main = doc.querySelector('[role="main"]');
    const article = main && main.querySelector("article");
    if (article) main.replaceChildren(article);
    doc.querySelectorAll(NOT_PROSE).forEach((el) => {
      // an inline formula leaves a mark, so that the sentence still reads as one
      el.replaceWith(el.matches("span.math") ? "…" : "");
    });
    return doc.documentElement.outerHTML;
  }

  function patch() {
    // `Search` is the global of Sphinx's searchtools.js (a top-level const).
    if (typeof Search === "undefined" || Search.htmlToText.proseOnly) return;
    const htmlToText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) =>
      htmlToText(prose(htmlString), anchor).replace(/\s+/g, " ").trim();
    Search.htmlToText.proseOnly = true;
  }

  // Snippets are made after the index and the result pages have loaded,
  // long after DOMContentLoaded; searchtools.js may come after this file.
  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();
