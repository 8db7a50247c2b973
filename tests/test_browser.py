"""The built page in a real browser (headless Chromium from Debian's package).

Without Chromium the tests skip with a reason; in CI (``CI`` set) they fail.
"""

import json
import pathlib
import re

import pytest

from book import CHAPTER_PAGE, CHINESE, FRAMEWORKS, HTML
from chromium import browser, page, recording_page, search, site  # noqa: F401 (fixtures)

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
             if (HTML / "pdf" / f"minibatch-sgd-{tag}.pdf").is_file()]
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
