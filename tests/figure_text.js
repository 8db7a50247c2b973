// The text of every figure shown on the page (an <img> of an SVG that
// matplotlib wrote), measured as the reader sees it: each SVG is fetched and
// put into the page at exactly the size its <img> is shown, so that the
// browser lays it out at that scale.  Returns one record per figure:
//   texts: [{text, em}]  every text of the figure (its source in
//          matplotlib's comment) and the rendered size of its smallest
//          glyph, in CSS px per em;
//   ticks: [{axis, a, b, gap}]  for every two tick labels of one axis, the
//          space between their boxes in CSS px (negative: they overlap).
// matplotlib writes a text as a group <g id="text_N"> that starts with a
// comment holding the text, and then either glyphs (<use> of a glyph path,
// drawn at 100 units per em: matplotlib's TextToPath.FONT_SCALE) or, with
// svg.fonttype "none", a <text> element with its font size; both are read.
async () => {
  const figures = [];
  const images = [...document.querySelectorAll('main img')].filter(
    (img) => /\/_images\/[^/]+\.svg$/.test(img.src) && img.getBoundingClientRect().width > 0);
  for (const img of images) {
    const shown = img.getBoundingClientRect();
    const holder = document.createElement('div');
    holder.style.cssText = `position: absolute; left: 0; top: 0; width: ${shown.width}px;`;
    holder.innerHTML = await (await fetch(img.src)).text();
    const svg = holder.querySelector('svg');
    svg.setAttribute('width', `${shown.width}px`);
    svg.setAttribute('height', `${shown.height}px`);
    document.body.appendChild(holder);
    const scale = (el) => { const m = el.getScreenCTM(); return Math.hypot(m.a, m.b); };
    const label = (group) => {
      const comment = [...group.childNodes].find((n) => n.nodeType === Node.COMMENT_NODE);
      return comment ? comment.textContent.trim() : group.textContent.trim();
    };
    const texts = [...svg.querySelectorAll('g[id^="text_"]')].map((group) => {
      const ems = [...group.querySelectorAll('use')].map((glyph) => 100 * scale(glyph))
        .concat([...group.querySelectorAll('text, tspan')].map(
          (t) => parseFloat(getComputedStyle(t).fontSize) * scale(t)));
      return {text: label(group), em: ems.length ? Math.min(...ems) : null};
    }).filter((t) => t.em !== null);
    const ticks = [];
    for (const axis of svg.querySelectorAll('g[id^="matplotlib.axis"]')) {
      const boxes = [...axis.querySelectorAll(
          ':scope > g[id^="xtick_"] > g[id^="text_"], :scope > g[id^="ytick_"] > g[id^="text_"]')]
        .map((group) => [label(group), group.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && r.height > 0);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, ra] = boxes[i], [b, rb] = boxes[j];
          const gap = Math.max(rb.left - ra.right, ra.left - rb.right,
                               rb.top - ra.bottom, ra.top - rb.bottom);
          ticks.push({axis: axis.id, a, b, gap});
        }
      }
    }
    figures.push({src: img.src.split('/').pop(), shown: shown.width, texts, ticks});
    holder.remove();
  }
  return figures;
}
