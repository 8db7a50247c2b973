// Elements of the page's main part that a reader cannot see all of and
// cannot scroll to: they reach beyond an ancestor that clips (overflow
// hidden), or beyond the page, with no scrolling container in between.
// Visually hidden elements (MathJax's assistive MathML) do not count.
() => {
  const cut = [];
  const pageWidth = document.documentElement.clientWidth;
  const hidden = (cs) => (cs.clip && cs.clip !== 'auto') || (cs.clipPath && cs.clipPath !== 'none');
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden' || hidden(cs)) continue;
    let problem = null;
    for (let a = el.parentElement; a; a = a.parentElement) {
      const acs = getComputedStyle(a);
      if (hidden(acs)) break;                                    // meant to be unseen
      if (['auto', 'scroll'].includes(acs.overflowX)) break;     // reachable by scrolling
      const ar = a.getBoundingClientRect();
      if (['hidden', 'clip'].includes(acs.overflowX)) {
        if (r.right > ar.right + 1 || r.left < ar.left - 1) problem = `clipped by ${a.tagName}.${a.className}`;
        break;
      }
      if (a === document.body) {
        if (r.right > pageWidth + 1 || r.left < -1) problem = 'beyond the page';
        break;
      }
    }
    if (problem) cut.push(`${el.tagName}.${el.className}: ${problem}: ${el.textContent.trim().slice(0, 60)}`);
  }
  return cut;
}
