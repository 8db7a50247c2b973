"""The built page in a real browser (headless Chromium from Debian's package).

Without Chromium the tests skip with a reason; in CI (``CI`` set) they fail.
"""

import json
import pathlib
import re

import pytest

from book import CHAPTER_PAGE, CHINESE, FRAMEWORKS, HTML, ROOT
from chromium import browser, page, recording_page, search, site  # noqa: F401 (fixtures)
from pipeline import editions

LABELS = [f.label for f in FRAMEWORKS]


@pytest.fixture
def phone(browser):
    """A phone-sized page (390 × 844 CSS px, touch, 2× pixels) in a fresh context."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    yield recording_page(context)
    context.close()


def open_chapter(page, site):
    page.goto(f"{site}/{CHAPTER_PAGE}.html", wait_until="load")
    page.wait_for_function("document.querySelectorAll('mjx-container').length > 0")


def selected_labels(page):
    """For every tab set, the label of its checked tab."""
    return page.evaluate("""() => [...document.querySelectorAll('.sd-tab-set')].map(set => {
        const input = set.querySelector(':scope > input:checked');
        return set.querySelector(`:scope > label[for="${input.id}"]`).textContent.trim();
    })""")


def test_every_tab_set_holds_every_framework(page, site):
    open_chapter(page, site)
    sets = page.evaluate("""() => [...document.querySelectorAll('.sd-tab-set')].map(set => ({
        labels: [...set.querySelectorAll(':scope > label')].map(l => l.textContent.trim()),
        filled: [...set.querySelectorAll(':scope > .sd-tab-content')]
                    .map(c => c.querySelector('.cell, .cell_output') !== null)}))""")
    assert len(sets) >= 10
    for tab_set in sets:
        assert tab_set["labels"] == LABELS
        assert tab_set["filled"] == [True] * len(LABELS)
    assert set(selected_labels(page)) == {FRAMEWORKS.default.label}
    assert page.problems == []


def test_every_tab_label_fits_in_one_row_on_a_phone(phone, site):
    """All the frameworks' labels side by side at 390 px, none cut or wrapped,
    also in the narrower tab sets inside the solutions; each wide enough to
    tap; tapping the last one selects it everywhere."""
    open_chapter(phone, site)
    open_every_solution(phone)
    rows = phone.evaluate("""() => [...document.querySelectorAll('.sd-tab-set')]
        .filter(set => set.getBoundingClientRect().width > 0)
        .map(set => [...set.querySelectorAll(':scope > label')].map(l => {
            const r = l.getBoundingClientRect();
            return {top: Math.round(r.top), left: r.left, right: r.right, height: r.height,
                    width: r.width, cut: l.scrollWidth > l.clientWidth + 1};
        }))""")
    assert len(rows) >= 17          # 10 in the text, 7 in the solutions
    for labels in rows:
        assert len(labels) == len(LABELS)
        # one row (the selected label sits a border's width lower)
        assert max(l["top"] for l in labels) - min(l["top"] for l in labels) < 8, labels
        assert all(0 <= label["left"] and label["right"] <= 390 for label in labels), labels
        assert not any(label["cut"] for label in labels), labels
        assert all(label["width"] >= 44 and label["height"] >= 24 for label in labels), labels
    phone.locator(".sd-tab-set").first.locator("label", has_text=LABELS[-1]).tap()
    assert set(selected_labels(phone)) == {LABELS[-1]}
    assert phone.problems == []


def test_choice_is_synced_and_survives_reload_and_navigation(page, site):
    open_chapter(page, site)
    page.locator(".sd-tab-set").nth(2).locator("label", has_text="TensorFlow").click()
    assert set(selected_labels(page)) == {"TensorFlow"}
    page.reload(wait_until="load")
    assert set(selected_labels(page)) == {"TensorFlow"}
    page.goto(f"{site}/index.html", wait_until="load")
    open_chapter(page, site)
    assert set(selected_labels(page)) == {"TensorFlow"}
    assert page.problems == []


def test_math_images_and_console(page, site):
    open_chapter(page, site)
    assert page.locator("mjx-container").count() >= 20
    body = page.inner_text("main")
    assert "\\mathbf" not in body and "$$" not in body       # no raw LaTeX left
    # scroll through the page so that lazily loaded images load too
    page.evaluate("""async () => {
        for (let y = 0; y < document.body.scrollHeight; y += 600) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 20)); } }""")
    page.wait_for_function("[...document.images].every(img => img.complete)")
    broken = page.evaluate("[...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
    assert broken == []
    figures = page.evaluate("[...document.images].filter(i => i.src.includes('_images/')).length")
    assert figures >= 18          # 6 training figures per framework
    assert page.problems == []


def test_per_framework_notebooks_download(page, site):
    open_chapter(page, site)
    links = page.evaluate("""() => [...document.querySelectorAll('.framework-downloads a')]
                              .filter(a => a.href.endsWith('.ipynb'))
                              .map(a => [a.textContent.trim(), a.href])""")
    assert [label for label, _ in links] == LABELS
    pdfs = page.evaluate("""() => [...document.querySelectorAll('.framework-downloads a.framework-pdf')]
                             .map(a => [a.textContent.trim(), a.href])""")
    # exactly the PDFs `make pdf` put into the site (all of them in CI, where
    # test_pdf.py checks they are this edition's; none without TeX)
    built = [label for label, tag in zip(LABELS, FRAMEWORKS.tags)
             if (HTML / "pdf" / editions.pdf_name(ROOT, tag)).is_file()]
    assert [label for label, _ in pdfs] == built
    for _, href in pdfs:
        response = page.request.get(href)
        assert response.status == 200 and response.body()[:5] == b"%PDF-"
    for (label, href), tag in zip(links, FRAMEWORKS.tags):
        response = page.request.get(href)
        assert response.status == 200
        nb = json.loads(response.text())
        tags = {t for c in nb["cells"] if c["cell_type"] == "code"
                for t in c["metadata"].get("tags", [])}
        assert tags == {tag}, label
        figures = [o["data"] for c in nb["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "display_data"]
        assert len(figures) >= 9 and all(set(d) <= {"image/svg+xml", "text/plain"} for d in figures)


def toc_links_in_view(page):
    """The book's table-of-contents links that a reader can see and tap right now."""
    return page.evaluate(TOC_LINKS_IN_VIEW)


def wait_for_drawer(page, is_open):
    """Until every table-of-contents link is in view (open) or none is (closed):
    the drawer slides, and how long that takes depends on the machine."""
    page.wait_for_function(f"""() => {{
        const inView = ({TOC_LINKS_IN_VIEW})().length;
        const all = document.querySelectorAll('.bd-sidebar-primary nav a').length;
        return {'inView === all && all > 0' if is_open else 'inView === 0'};
    }}""")


TOC_LINKS_IN_VIEW = ("""() => [...document.querySelectorAll('.bd-sidebar-primary nav a')]
        .filter(a => {
            const r = a.getBoundingClientRect();
            if (r.width === 0 || r.right <= 0 || r.left >= innerWidth || r.bottom <= 0
                || r.top >= innerHeight) return false;
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return hit !== null && (hit === a || a.contains(hit));
        }).map(a => a.textContent.trim())""")


def test_phone_table_of_contents_opens_lists_the_pages_and_closes(phone, site):
    open_chapter(phone, site)
    assert toc_links_in_view(phone) == []           # hidden until asked for
    toggles = [b for b in phone.query_selector_all(".primary-toggle") if b.is_visible()]
    assert len(toggles) == 1
    toggles[0].tap()
    wait_for_drawer(phone, is_open=True)            # the drawer slides in
    links = toc_links_in_view(phone)
    assert links[1:] == ["小批量随机梯度下降", "教师指南"] and links[0].startswith("小批量随机梯度下降：")
    phone.mouse.click(375, 600)                     # tap beside the drawer: it closes
    wait_for_drawer(phone, is_open=False)
    assert toc_links_in_view(phone) == []
    toggles[0].tap()
    wait_for_drawer(phone, is_open=True)
    phone.locator(".bd-sidebar-primary nav").get_by_role("link", name="教师指南").tap()
    phone.wait_for_url("**/instructors.html")
    assert phone.problems == []


def search_results(page, site, query):
    """(href, snippet) of every result of the book's search page for ``query``."""
    search(page, site, query)
    page.wait_for_function("""[...document.querySelectorAll('#search-results ul.search li')]
                              .every(li => li.querySelector('p.context'))""")
    return page.evaluate("""[...document.querySelectorAll('#search-results ul.search li')]
        .map(li => [li.querySelector('a').getAttribute('href'),
                    li.querySelector('p.context').textContent])""")


@pytest.mark.parametrize("query", ["梯度", "样本", "学习率", "批量规范化", "小批量随机梯度下降"])
def test_chinese_search_finds_the_chapter_with_prose_snippets(page, site, query):
    results = search_results(page, site, query)
    pages = [href.split("#")[0] for href, _ in results]
    assert f"{CHAPTER_PAGE}.html" in pages, results
    for href, snippet in results:
        assert query in snippet, (href, snippet)              # the snippet shows the hit
        assert "\\" not in snippet and "$" not in snippet      # no LaTeX source
        assert "def " not in snippet and "import " not in snippet and ".pdf" not in snippet
    assert page.problems == []


# What the theme shows around the text, outside the article: names, file
# types and keys stay as they are; three labels are hard-coded English in
# sphinx-book-theme 1.1.4's layout (screen-reader labels, never shown).
NAMES = {"pdf", "ipynb", "md", "PDF", "Binder", "Ctrl", "notebook", "d2lshim", "JavaScript",
         *LABELS}   # the frameworks' names (the download menu offers one notebook each)
UNTRANSLATABLE = {"aria-label=Main", "aria-label=Page", "alt=Binder logo"}


def theme_strings(page):
    """Every label, tooltip and text of the theme (not of the article) that has Latin words."""
    return page.evaluate("""() => {
        const found = new Set(), article = document.querySelector('main article');
        const skip = ['SCRIPT', 'STYLE', 'NOSCRIPT', 'CODE', 'PRE', 'KBD'];
        for (const el of document.querySelectorAll('body *')) {
            const chrome = el.matches('.headerlink');    // the theme's, inside the article
            if ((article && article.contains(el) && !chrome) || skip.includes(el.tagName)) continue;
            for (const attr of ['title', 'aria-label', 'placeholder', 'alt',
                                'data-bs-original-title', 'data-bs-title']) {
                const v = el.getAttribute(attr);
                if (v && /[A-Za-z]/.test(v)) found.add(`${attr}=${v}`);
            }
            for (const n of el.childNodes)
                if (n.nodeType === 3 && /[A-Za-z]/.test(n.textContent))
                    found.add('text=' + n.textContent.trim());
        }
        return [...found];
    }""")


@pytest.mark.parametrize("width", [1280, 390])
def test_theme_speaks_chinese(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = recording_page(context)
    english = set()
    for name in ("index", CHAPTER_PAGE, "instructors", "search"):
        page.goto(f"{site}/{name}.html", wait_until="load")
        # the theme sets its tooltips up after load: Bootstrap moves each
        # title into data-bs-original-title
        page.wait_for_function("""() => document.querySelectorAll(
            '[data-bs-toggle="tooltip"][title]').length === 0""")
        for found in theme_strings(page):
            words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", found.split("=", 1)[1]))
            if found not in UNTRANSLATABLE and not words <= NAMES:
                english.add(f"{name}: {found}")
    context.close()
    assert sorted(english) == []
    assert page.problems == []


def test_no_space_between_chinese_characters_in_the_rendered_text(page, site):
    spots = {}
    for name in ("index", CHAPTER_PAGE, "instructors"):
        page.goto(f"{site}/{name}.html", wait_until="load")
        # what a reader sees: the layout's text, without code, its outputs and math
        text = page.evaluate("""() => {
            document.querySelectorAll('pre, script, style, noscript').forEach(e => e.remove());
            document.querySelectorAll('code, kbd, mjx-container, .math')
                .forEach(e => e.replaceWith('X'));
            return document.body.innerText; }""")
        # Chinese as the tests define it (book.py), not as _ext/cjk_spacing.py does
        found = re.findall(f"[{CHINESE}][ \\t\\u00a0]+[{CHINESE}]", text)
        if found:
            spots[name] = found
    assert spots == {}


CUT_OFF = (pathlib.Path(__file__).parent / "cut_off.js").read_text(encoding="utf-8")


def open_every_solution(page):
    for button in page.query_selector_all("button.toggle-button"):
        button.click()
    # until every solution is unfolded and nothing is still sliding open
    page.wait_for_function("""() => document.querySelectorAll('.toggle-hidden').length === 0
        && document.getAnimations().length === 0""")


@pytest.mark.parametrize("width", [390, 1280])
def test_nothing_is_cut_off_and_outputs_and_tables_fit(browser, site, width):
    """Code may scroll sideways (its edge shows a shadow); printed results and
    tables must fit: they wrap.  Every solution open, every framework in turn."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = recording_page(context)
    problems, checked = [], 0
    for name in ("index", "instructors", CHAPTER_PAGE):
        page.goto(f"{site}/{name}.html", wait_until="load")
        # MathJax has typeset the formulas (their width counts), if there are any
        page.wait_for_function("!document.querySelector('.math') || document.querySelector('mjx-container')")
        open_every_solution(page)
        for label in (LABELS if name == CHAPTER_PAGE else [None]):
            if label:
                page.locator(".sd-tab-set").first.locator("label", has_text=label).click()
            problems += [f"{name} {label}: {p}" for p in page.evaluate(CUT_OFF)]
            wide = page.evaluate("""() => [...document.querySelectorAll(
                    'main div.cell_output pre, main .pst-scrollable-table-container')]
                .filter(e => e.getBoundingClientRect().width > 0)
                .map(e => [e.scrollWidth - e.clientWidth, e.textContent.trim().slice(0, 40)])""")
            checked += len(wide)
            problems += [f"{name} {label}: scrolls by {px} px: {text}" for px, text in wide if px > 1]
    context.close()
    assert checked >= 40 and problems == []
    assert page.problems == []


@pytest.mark.parametrize("width", [390, 1280])
def test_figures_are_vector_graphics(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 844}, device_scale_factor=2)
    page = recording_page(context)
    open_chapter(page, site)
    open_every_solution(page)
    figures = page.evaluate("""() => [...document.querySelectorAll('main img')]
        .filter(i => i.src.includes('/_images/'))
        .map(i => [i.src.split('/').pop(), i.naturalWidth, i.getBoundingClientRect().width])""")
    assert len(figures) >= 27              # 9 figures per framework
    for src, natural, shown in figures:    # SVG, or a bitmap with 2 pixels per CSS pixel
        assert src.endswith(".svg") or natural >= 2 * shown, (src, natural, shown)
    svg = page.request.get(f"{site}/_images/{figures[0][0]}")
    assert svg.headers["content-type"] == "image/svg+xml" and "<svg" in svg.text()
    context.close()
    assert page.problems == []


def test_dark_mode_switch_and_download_menu(page, site):
    """What the pinned theme still has to do: the colour switch and the download menu."""
    open_chapter(page, site)
    mode = "document.documentElement.dataset.mode"
    seen = [page.evaluate(mode)]
    for _ in range(3):
        page.click(".theme-switch-button")
        seen.append(page.evaluate(mode))
    assert seen == ["auto", "dark", "light", "auto"]
    page.click(".theme-switch-button")
    page.reload(wait_until="load")                     # the choice is remembered
    assert page.evaluate("[document.documentElement.dataset.mode, document.documentElement.dataset.theme]") \
        == ["dark", "dark"]
    page.click(".dropdown-download-buttons button")
    links = page.evaluate("""[...document.querySelectorAll('.dropdown-download-buttons a')]
                             .filter(a => a.offsetWidth > 0).map(a => [a.textContent.trim(), a.href])""")
    # each framework's notebook, never the page source (hidden tests)
    assert [label for label, _ in links] == [f".ipynb（{label}）" for label in LABELS]
    for _, href in links:
        assert page.request.get(href).status == 200
    assert page.problems == []


FIGURE_TEXT = (pathlib.Path(__file__).parent / "figure_text.js").read_text(encoding="utf-8")
#: Figure text a phone's reader can read: no glyph smaller than 10 CSS px per em.
SMALLEST_TEXT_PX = 10
#: Two tick labels of one axis at least this far apart (CSS px): a space's
#: width at that size, so that "0.002" and "0.005" never read as one label.
TICK_LABEL_GAP_PX = 3


def test_figures_are_legible_on_a_phone(phone, site):
    """At 390 px every figure of every framework, the solutions' too, is shown
    narrower than drawn; its text must still be at least 10 px per em (tick
    labels, axis labels, legends, titles; superscripts too) and the tick
    labels of an axis must not touch (matplotlib's labels of a log axis's
    minor ticks, 3×10⁻³ 4×10⁻³, did).  Measured from each figure's SVG laid
    out in the page at its shown size (tests/figure_text.js)."""
    open_chapter(phone, site)
    open_every_solution(phone)
    small, crowded, measured, smallest = [], [], 0, {}
    for label in LABELS:
        phone.locator(".sd-tab-set").first.locator("label", has_text=label).tap()
        figures = phone.evaluate(FIGURE_TEXT)
        assert len(figures) >= 9, (label, figures)       # 9 figures per framework
        for figure in figures:
            where = f"{label} {figure['src'][:12]} shown {figure['shown']:.0f} px wide"
            assert len(figure["texts"]) >= 5 and len(figure["ticks"]) >= 2, where
            measured += len(figure["texts"])
            smallest[where] = min(t["em"] for t in figure["texts"])
            small += [f"{where}: {t['text']!r} at {t['em']:.1f} px" for t in figure["texts"]
                      if t["em"] < SMALLEST_TEXT_PX]
            crowded += [f"{where}: {t['a']!r} and {t['b']!r} {t['gap']:.1f} px apart"
                        for t in figure["ticks"] if t["gap"] < TICK_LABEL_GAP_PX]
    print("smallest text per figure (px per em):",
          {where: round(px, 1) for where, px in smallest.items()})
    assert measured >= 36 * 5
    assert (small, crowded) == ([], [])
    assert phone.problems == []


def test_every_value_in_the_prose_follows_the_selected_tab(page, site):
    """A number of the prose holds one value, the default framework's, in the
    page's text (search snippets, readers without JavaScript), and each
    framework's as a data-fw-<tag> attribute; selecting a tab shows that
    framework's value in every one of them."""
    open_chapter(page, site)
    values = page.locator("main .framework-value")
    count = values.count()
    assert count >= 40
    read = """() => [...document.querySelectorAll('main .framework-value')].map(el => ({
        text: el.textContent, values: Object.fromEntries([...el.attributes]
            .filter(a => a.name.startsWith('data-fw-')).map(a => [a.name.slice(8), a.value]))}))"""
    shown = page.evaluate(read)
    assert all(set(v["values"]) == set(FRAMEWORKS.tags) for v in shown), shown[:3]
    assert [v["text"] for v in shown] == [v["values"][FRAMEWORKS.default.tag] for v in shown]
    for label, tag in zip(LABELS, FRAMEWORKS.tags):
        page.locator(".sd-tab-set").nth(1).locator("label", has_text=label).click()
        shown = page.evaluate(read)
        assert [v["text"] for v in shown] == [v["values"][tag] for v in shown], label
    # the runs differ: a test in which every framework's value were the same
    # could not see a tab switch that left them alone
    assert sum(len(set(v["values"].values())) > 1 for v in shown) >= count // 2
    assert page.problems == []


def test_results_tables_fit_on_a_phone(phone, site):
    """Exercise 1's results (9 runs × 5 columns), and exercises 3 and 4's, are
    real tables (d2l.table): at 390 px, inside the solutions, in every tab,
    each table fits its output box, no number is broken over two lines (a row
    reads as one row), and exercise 1's column headers are one line each."""
    open_chapter(phone, site)
    open_every_solution(phone)
    for label in LABELS:
        phone.locator(".sd-tab-set").first.locator("label", has_text=label).tap()
        tables = phone.evaluate("""() => [...document.querySelectorAll('main table.d2l-table')]
            .filter(t => t.getBoundingClientRect().width > 0).map(t => {
                const box = t.closest('.output').getBoundingClientRect(), r = t.getBoundingClientRect();
                const lines = (cell) => { const range = document.createRange();
                    range.selectNodeContents(cell);
                    return new Set([...range.getClientRects()].map(q => Math.round(q.top))).size; };
                return {header: [...t.querySelectorAll('th')].map(th => th.textContent),
                        rows: t.querySelectorAll('tbody tr').length,
                        wrapped: [...t.querySelectorAll('th')].filter(th => lines(th) > 1)
                            .map(th => th.textContent),
                        overflow: Math.max(r.right - box.right, box.left - r.left),
                        broken: [...t.querySelectorAll('td')]
                            .filter(td => /^[-+0-9.e ±]+$/.test(td.textContent) && lines(td) > 1)
                            .map(td => td.textContent)};
            })""")
        # exercise 1's, 3's and 4's, in this order
        assert [t["header"][:1] for t in tables] == [["批量大小"], ["抽样"], ["数据"]], (label, tables)
        assert [t["rows"] for t in tables] == [9, 2, 2], label
        assert tables[0]["wrapped"] == [], (label, tables[0])     # 批量大小, not 批量大 / 小
        for table in tables:
            assert table["overflow"] <= 1 and table["broken"] == [], (label, table)
    assert phone.problems == []
