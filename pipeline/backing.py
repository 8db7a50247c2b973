"""What backs each sentence that states a number, a comparison or an order.

Every such sentence of a framework page must be backed in each tab whose
readers read it (issue 16).  For a page and a framework, the sentences are
the shared prose and the ``{framework-only}`` blocks naming that framework:
exercises, ``{task}`` blocks, solutions and admonitions included; not code
cells, math (``$…$``, ``$$…$$``, amsmath), inline code, link URLs, or role
targets (``{eq}``, ``{cite}``, ``{doc}`` labels).  The page is read with
MyST's own parser (:mod:`pipeline.myst`), so each sentence knows its line in
the ``.md`` file.

Sentences end at 。！？ and ；, at ``.``/``!``/``?`` followed by a space (for
English prose), and where a block ends (a paragraph, a heading, a list item,
a table cell).  ``；`` ends a sentence too: the chapter joins separate
statements with it (one measured, one a setting, one a judgement), and each
should be backed on its own rather than borrow the backing of its neighbour.

A sentence *needs backing* when, with math, code, URLs and role targets
removed, it holds a number (:data:`NUMBER`: Arabic digits, but not the digits
of names like L1, AVX-512, nor references like 练习 2, 第 2 轮), a Chinese
numeral with a measure word (:data:`QUANTITY`: 三个数量级, 两倍, 十分之一,
几毫秒, 两轮), or a word of comparison, order or magnitude
(:data:`COMPARATIVES`).  It is backed by

``value``
    a ``{value}`` role: its numbers come from this tab's run;
``claim``
    a ``d2l.claim`` recorded (and holding) in this tab's executed notebook
    whose statement is a verbatim fragment of the sentence (so a claim's
    statement quotes the words it checks);
``setting``
    every number of the sentence occurs as a literal in this tab's code
    cells of the same section (批量大小 10 where the code says
    ``train_sgd(.05, 10)``); only for sentences whose need is numbers alone
    (Arabic, or Chinese counts like 两次), not comparisons.  A section (from
    one ``#`` or ``##`` heading to the next) and not the whole page, so that a
    literal of an unrelated cell (``rows = 16``) cannot back a hardware
    fact (16 核);
``citation``
    a ``{cite}`` role;
``note``
    an author's note: a MyST comment right after the paragraph,
    ``% 依据：「verbatim fragment of one of its sentences」the reason``, for
    arithmetic shown in the text or general facts (hardware specifications).
    Comments are never rendered (:func:`pipeline.myst.without_comments`
    drops them from the notebooks too).

A sentence that needs backing and has none, a claim whose statement is in no
sentence of its tab (a stale claim) and a note whose fragment is in no
sentence of its paragraph (a stale note) are :class:`Problem`\\ s;
:func:`check` turns them into a :class:`~pipeline.errors.BookError` that
fails the build.  ``tools/backing.py`` prints the whole report.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import io
import re
import tokenize

from . import myst, source, values
from .errors import BookError
from .values import CLAIM_MIME

# --------------------------------------------------------------------------
# What needs backing.  The one place that decides it: the patterns below,
# each with the phrases it is meant to catch and the false hits it avoids.
# They are matched against a sentence's *plain* text (math, code, URLs and
# role targets removed; a {value} role is the placeholder VALUE_MARK).

#: An Arabic number (12, 0.05, 1e-6, 63 in 63%, and a fraction 1/10 as one
#: number).  Not the digits of a name (L1, L2, AVX-512, ch11: a Latin letter,
#: or a letter and a hyphen, before them).
NUMBER = re.compile(r"(?<![A-Za-z_.\d])(?<![A-Za-z]-)\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?:/\d+(?!\.\d))?")

#: References and ordinals, removed before numbers are looked for: 练习 2,
#: 第 2 轮, 式 (3), 图 1 are places in the book, not quantities.
REFERENCE = re.compile(r"(?:第|练习|习题|式|图|表|节|章)\s*\(?\d+\)?")

_NUMERAL = "零〇一二两三四五六七八九十百千万亿几数"
#: A Chinese numeral with a measure word of quantity.  Any numeral before a
#: measure of size or time (三个数量级, 两倍, 十分之一, 一半, 几毫秒, 三成); a
#: numeral other than a lone 一 before a count (两次, 三轮, 十次): 一次 and
#: 一轮 mostly mean "once", "a" (一次更新, 每一轮, 一次性) and are not
#: quantities the reader needs backed.  第 makes an ordinal (第三, 第二轮).
QUANTITY = re.compile(
    rf"(?<!第)[{_NUMERAL}]+个?(?:倍|数量级|分之[{_NUMERAL}]*|成(?![为功绩本果员分形长立了不])|分钟|小时|毫秒|微秒|纳秒|秒|半)"
    rf"|(?<![第{_NUMERAL}])(?:[{_NUMERAL}]{{2,}}|[零〇二两三四五六七八九十百千万亿几数])"
    rf"(?:次(?![序要数方])|轮)")

#: Words of comparison, order or magnitude, as the chapter writes them:
#: ``(pattern, what it catches and what it leaves alone)``.  Left out on
#: purpose: change verbs (下降 is also 梯度下降, 减小/增大 describe what an
#: algorithm does), equality (相同, 一样, 重合: definitions more than findings)
#: and absolute judgements (很快, 很小), which state no comparison.
COMPARATIVES = (
    (r"(?<![对相无好之])比(?![较例如值率重方喻赛特照])",
     "比…快/慢/多/少/高/低; not 比较 (compare), 比例, 比如, 对比, 相比, 之比 (a ratio)"),
    (r"(?<!变)更(?![新改换正替迭])", "更快, 更小, 更糟, 更加; not 更新 (update), 更改, 变更"),
    (r"最(?![后终初近先优])(?!小二乘)",
     "最快, 最大, 最低, 最多, 最好成绩; not 最后, 最终, 最初, 最近, 最先 (order of the code), "
     "最优 (the optimum, a noun), 最小二乘 (least squares)"),
    (r"以[上下]", "三个数量级以上, 0.25 以下"),
    (r"(?<![看做找想得用见听猜料])不到", "不到 3 倍, 还不到十分之一; not 看不到, 做不到, 用不到"),
    (r"超[过出]|胜过|不如|不及", "超过, 不超过, 超出, 不如"),
    (r"[高低多少大小快慢优劣强弱长短]于", "高于, 低于, 大于, 小于, 多于; not 由于, 对于, 关于, 等于, 在于"),
    (r"[快慢多少好差大小高低]得多", "快得多, 少得多, 好得多"),
    (r"至[少多]|顶多", "至少, 至多"),
    (r"相差|差距|差别|差不多", "相差, 差距, 差别, 差不多"),
    (r"接近|相近|不远|还远|远远|远[多少大小高低快慢超没不]", "接近, 相近, 离…不远, 远远, 远没有, 远多于"),
    (r"相当(?!于)", "与…相当, 相当可观; not 相当于 (is equivalent to: a definition)"),
    (r"量级", "数量级, 同一量级"),
    (r"倍", "N 倍, 翻倍, 加倍"),
    (r"减半", "减半"),
    (r"领先|先到|先于|孰先孰后|先是",
     "order: 先到达, 领先, 孰先孰后, 先是迅速下降; not 先 as in 先预热, 先停表 (do this first)"),
    (r"越[^。！？；]{0,24}越", "越…越… (the more …, the more …): 批量越大，方差越小"),
    (r"几乎|微乎其微|明显|显著", "magnitude judged: 几乎不再改善, 明显小于, 显著减小"),
    (r"略[大小高低快慢多少好差]|较[快慢]", "略大, 略低, 较快; not 忽略, 较小的分块 (a description)"),
    (r"变[快慢大小高低多少好差]", "变快, 变小"),
    (r"相对(?!论)", "相对便宜"),
    (r"同样[快慢好差高低]", "同样快 (as fast as); not 同样很快 (很快 is an absolute judgement)"),
    (r"[优劣]势", "优势, 劣势: one is better than the other"),
)
_COMPARATIVE = re.compile("|".join(f"(?:{pattern})" for pattern, _ in COMPARATIVES))

#: What a ``{value}`` role leaves in the plain text: no digit, no word above.
VALUE_MARK = "▢"

#: Roles that point somewhere: a reader reads their title (``{doc}`教师指南
#: <../../instructors>``), never their target.  ``{eq}``, ``{math}`` and the
#: citations (``{cite}``, ``{cite:t}``) are left out whole.
TITLED_ROLES = ("doc", "ref", "numref", "download", "term", "any")
DROPPED_ROLES = ("eq", "math", "footcite")

ENDS = "。！？；"
CLOSERS = "”’」』）)]》\"'"
ASCII_END = re.compile(r"[.!?](?=\s|$)")

NOTE = re.compile(r"^\s*依据\s*[：:]\s*「(?P<fragment>[^」]+)」\s*(?P<reason>.*?)\s*$")
NOTE_PREFIX = re.compile(r"^\s*依据")


@dataclasses.dataclass(frozen=True)
class Sentence:
    """One sentence as written.

    ``text``: as the source writes it, without emphasis and link markup
    (roles, math and inline code in source form): what claims and notes
    quote.  ``plain``: what a reader reads, without math, code, URLs and role
    targets (a ``{value}`` role is :data:`VALUE_MARK`): what detection reads.
    ``frameworks``: the tags of its ``{framework-only}`` block, ``None`` for
    every framework.  ``blocks``: the ids of the blocks it is in (for notes).
    ``section``: the line of the ``#``/``##`` heading it is under (0: none).
    """
    line: int
    text: str
    plain: str
    values: tuple = ()
    cites: tuple = ()
    frameworks: frozenset | None = None
    blocks: tuple = ()
    section: int = 0

    def read_by(self, tag):
        return self.frameworks is None or tag in self.frameworks


@dataclasses.dataclass(frozen=True)
class Note:
    """``% 依据：「fragment」reason`` after a block; ``block`` is that block's id."""
    line: int
    fragment: str
    reason: str
    block: int | None


@dataclasses.dataclass(frozen=True)
class Need:
    """What in a sentence needs backing: the ``{value}`` roles it quotes, its
    Arabic numbers, its Chinese quantities and its comparative words."""
    values: tuple = ()
    numbers: tuple = ()
    quantities: tuple = ()
    comparatives: tuple = ()

    def __bool__(self):
        return bool(self.values or self.numbers or self.quantities or self.comparatives)

    def describe(self):
        words = [w if len(w) <= 6 else f"{w[0]}…{w[-1]}" for w in self.comparatives]
        return "、".join([*(f"{{value}}`{v}`" for v in self.values), *self.numbers,
                         *self.quantities, *words])


_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9}


def counted(quantity):
    """The number of a Chinese count or multiple (两次 → 2, 十轮 → 10, 三倍 → 3),
    ``None`` for anything else (三个数量级 is not 3, 几毫秒 is no number)."""
    found = re.fullmatch(r"(?P<numeral>[一二两三四五六七八九十]{1,3})(?:次|轮|倍)", quantity)
    if found is None:
        return None
    numeral = found["numeral"]
    if "十" not in numeral:
        return _DIGITS[numeral] if len(numeral) == 1 else None
    tens, _, ones = numeral.partition("十")
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


@dataclasses.dataclass(frozen=True)
class Backing:
    kind: str       # value, claim, setting, citation, note
    what: str


@dataclasses.dataclass(frozen=True)
class Row:
    """A sentence that needs backing, in one framework's tab."""
    framework: object
    sentence: Sentence
    need: Need
    backings: tuple

    @property
    def backed(self):
        return bool(self.backings)


@dataclasses.dataclass(frozen=True)
class Problem:
    """What fails the build: ``kind`` is ``unbacked``, ``stale claim``,
    ``stale note`` or ``malformed note``."""
    kind: str
    line: int | None
    framework: object
    message: str


@dataclasses.dataclass(frozen=True)
class Report:
    rows: tuple
    problems: tuple


def normalized(text):
    """Whitespace runs as one space (a paragraph may break its lines anywhere)."""
    return re.sub(r"\s+", " ", text).strip()


def number_value(written):
    """The value of a number as :data:`NUMBER` finds it (``1/10`` is 0.1)."""
    numerator, _, denominator = written.partition("/")
    return float(numerator) / float(denominator) if denominator else float(numerator)


def need(sentence):
    """What in ``sentence`` needs backing (falsy: nothing)."""
    plain = REFERENCE.sub(" ", sentence.plain)
    return Need(sentence.values, tuple(m.group() for m in NUMBER.finditer(plain)),
                tuple(m.group() for m in QUANTITY.finditer(plain)),
                tuple(m.group() for m in _COMPARATIVE.finditer(plain)))


# --------------------------------------------------------------------------
# Reading the page: sentences and notes.

class _Sentences:
    """Splits the inline tokens of a page into sentences (see the module docstring)."""

    def __init__(self):
        self.found = []
        self.section = 0
        self._reset(None, None, ())

    def _reset(self, line, frameworks, blocks):
        self.line, self.frameworks, self.blocks = line, frameworks, blocks
        self.text, self.plain, self.values, self.cites = [], [], [], []
        self.started = False

    def _close(self):
        text, plain = "".join(self.text).strip(), "".join(self.plain).strip()
        if plain or self.values:
            self.found.append(Sentence(self.line, normalized(text), normalized(plain),
                                       tuple(self.values), tuple(self.cites), self.frameworks,
                                       self.blocks, self.section))
        self._reset(self.line, self.frameworks, self.blocks)

    def _add(self, text, plain=None):
        if not self.started:                   # a sentence starts where its first word is
            self.line = self.current_line
            self.started = bool(text.strip())
        self.text.append(text)
        self.plain.append(text if plain is None else plain)

    def _prose(self, content):
        """Text of a text token: split where sentences end."""
        index = 0
        while index < len(content):
            char = content[index]
            ascii_end = ASCII_END.match(content, index)
            if char in ENDS or ascii_end:
                end = index + 1
                while end < len(content) and content[end] in CLOSERS:
                    end += 1
                self._add(content[index:end])
                self._close()
                index = end
            else:
                self._add(char)
                index += 1

    def inline(self, token, line, frameworks, blocks):
        """Add the sentences of one inline token (a paragraph, a heading, a cell)."""
        self._reset(line, frameworks, blocks)
        self.current_line = line
        link = []          # the markup of the links we are in (linkify, autolink, '')
        for child in token.children or []:
            kind = child.type
            if kind == "text":
                if link and link[-1] in ("linkify", "autolink"):
                    self._add(child.content, "")       # a bare URL: not words
                else:
                    self._prose(child.content)
            elif kind in ("softbreak", "hardbreak"):
                self._add("\n", " ")
                self.current_line += 1
            elif kind == "code_inline":
                self._add(f"{child.markup}{child.content}{child.markup}", " ")
            elif kind in ("math_inline", "math_inline_double"):
                self._add(f"{child.markup}{child.content}{child.markup}", " ")
                self.current_line += child.content.count("\n")
            elif kind == "myst_role":
                self._role(child.meta.get("name", ""), child.content)
            elif kind == "link_open":
                link.append(child.markup)
            elif kind == "link_close":
                link.pop() if link else None
            elif kind == "substitution_inline":
                self._add(myst.substitution_source(child.content), "▣")
            # emphasis markers, images, html: no words of their own
        self._close()

    def _role(self, name, content):
        written = myst.role_source(name, content)
        if name == "value":
            self.values.append(values.quoted_name(content))
            self._add(written, VALUE_MARK)
        elif name.startswith("cite") or name == "footcite":
            self.cites.append(content)
            self._add(written, " ")
        elif name in DROPPED_ROLES:
            self._add(written, " ")
        elif name.split(":")[-1] in TITLED_ROLES:
            title = myst.role_title(content)
            self._add(written, title if title is not None else " ")
        else:                                  # {sub}, {abbr}: their text is read
            self._add(written, content)


#: The headings that start a section (where a code setting can back a
#: sentence); an exercise starts one too (its statement, then its solution).
SECTION_TAGS = ("h1", "h2")
SECTION_DIRECTIVES = ("exercise",)


def starts_section(located):
    return located.depth == 0 and (
        (located.token.type == "heading_open" and located.token.tag in SECTION_TAGS)
        or located.directive in SECTION_DIRECTIVES)


def section_lines(text, extensions=myst.EXTENSIONS):
    """The lines where sections start, in order."""
    return [located.line for located in myst.walk(text, extensions) if starts_section(located)]


def section_of(line, sections):
    """The line of the section heading above ``line`` (0: above every heading)."""
    return max((start for start in sections if line is not None and start <= line), default=0)


def read(text, extensions=myst.EXTENSIONS, path=None):
    """``(sentences, notes)`` of a page's MyST source ``text``.

    A malformed ``% 依据`` note (no 「fragment」 or no reason) is a
    :class:`BookError` naming its line.
    """
    sentences, notes, _ = _read(text, tuple(extensions), path)
    return sentences, notes


def _read(text, extensions, path):
    """``(sentences, notes, section lines)``: one walk through the page."""
    splitter = _Sentences()
    sections = []
    notes = []
    stack = []               # ids of the open blocks: (depth, level, id)
    last_closed = {}         # (depth, parent ids) -> the id of the last block closed there
    counter = iter(range(1, 1 << 30))

    def parents():
        return tuple(i for _, _, i in stack)

    fences = []              # (depth, id): directive bodies being walked
    for located in myst.walk(text, extensions):
        token, depth = located.token, located.depth
        while fences and depth <= fences[-1][0]:      # a directive body ended
            fence_depth, block = fences.pop()
            stack.pop()
            last_closed[(fence_depth, parents())] = block
        if starts_section(located):
            splitter.section = located.line
            sections.append(located.line)
        if token.nesting == 1:
            stack.append((depth, token.level, next(counter)))
        elif token.nesting == -1:
            _, _, block = stack.pop()
            last_closed[(depth, parents())] = block
        elif token.type == "inline":
            splitter.inline(token, located.line, located.frameworks, parents())
        elif located.directive is not None:
            block = next(counter)
            if located.directive in myst.TITLED and (title := myst.directive(token)[1]):
                title_token = myst.parser(tuple(extensions)).parseInline(title)[0]
                splitter.inline(title_token, located.line, located.frameworks,
                                (*parents(), block))
            stack.append((depth, token.level, block))
            fences.append((depth, block))
        elif token.type == "myst_line_comment":
            target = last_closed.get((depth, parents()))
            for offset, line in enumerate(token.content.split("\n")):
                notes.extend(_note(line, located.line + offset, target, path))
        elif token.block and token.type != "front_matter":
            # code cells, math blocks, targets: a note after one of them is
            # not right after a paragraph
            last_closed[(depth, parents())] = next(counter)
    return splitter.found, notes, sections


def _note(line, number, block, path):
    if not NOTE_PREFIX.match(line):
        return []                 # an ordinary comment
    found = NOTE.match(line)
    if found is None or not found["reason"]:
        raise BookError("an author's note is written % 依据：「<a verbatim fragment of a sentence "
                        "of the paragraph above>」<why it holds> — the fragment in 「」 and a "
                        f"reason after it: {line.strip()!r}", path=path, line=number)
    return [Note(number, normalized(found["fragment"]), found["reason"], block)]


# --------------------------------------------------------------------------
# What a tab's run and code offer.

def claims(nb_framework):
    """``[(record, source line of its cell)]`` of the claims a framework's run recorded."""
    # "quoted": the statement as sentences are compared
    return [({**record, "quoted": normalized(record["statement"])}, cell.metadata.get("source_line"))
            for record, cell in values.records_with_cells(nb_framework, CLAIM_MIME)]


def code_numbers(nb_framework, sections=()):
    """``{section: {number: source line of the first code cell that writes it}}``
    for the numeric literals of the cells a reader sees (not the hidden ones);
    ``sections``: the section headings' lines (:func:`section_lines`)."""
    found = {}
    for cell in nb_framework.cells:
        if cell.cell_type != "code" or source.is_hidden(cell):
            continue
        line = cell.metadata.get("source_line")
        numbers = found.setdefault(section_of(line, sections), {})
        for number in _literals(cell.source):
            numbers.setdefault(number, line)
    return found


@functools.lru_cache(maxsize=1024)
def _literals(code):
    # IPython's magics and shell lines are not Python: blank them out first
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in code.split("\n")]
    numbers = []                  # a tuple at the end: cached, shared by the tabs
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            if token.type == tokenize.NUMBER:
                value = ast.literal_eval(token.string)
                if isinstance(value, (int, float)):
                    numbers.append(float(value))
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass                      # a cell that is not Python: the numbers read so far
    return tuple(numbers)


# --------------------------------------------------------------------------
# The report and the check.

def backings(sentence, need_, claim_list, numbers, notes):
    """What backs ``sentence`` in a tab: every kind that applies, given the
    tab's claims, its code's numbers (:func:`code_numbers`) and the page's notes."""
    numbers = numbers.get(sentence.section, {})
    found = []
    if sentence.values:
        found.append(Backing("value", ", ".join(sentence.values)))
    for record, _ in claim_list:
        if record.get("holds", True) and record["quoted"] in sentence.text:
            found.append(Backing("claim", record["statement"]))
    wanted = [(n, number_value(n)) for n in need_.numbers] + [(q, counted(q)) for q in need_.quantities]
    if wanted and not need_.comparatives and all(number in numbers for _, number in wanted):
        found.append(Backing("setting", ", ".join(
            f"{written} (code at line {numbers[number]})" for written, number in wanted)))
    if sentence.cites:
        found.append(Backing("citation", ", ".join(sentence.cites)))
    for note in notes:
        if note.fragment in sentence.text and note.block in sentence.blocks:
            found.append(Backing("note", note.reason))
    return tuple(found)


def report(page, executed, frameworks, extensions=myst.EXTENSIONS):
    """The :class:`Report` of a page: every sentence that needs backing in each
    tab, with what backs it, and the problems (unbacked sentences, stale
    claims, stale notes).  ``executed``: ``{tag: executed notebook}``."""
    sentences, notes, sections = _read(page.text, tuple(extensions), page.path)
    rows, problems = [], []
    for note in notes:
        if not any(note.fragment in s.text and note.block in s.blocks for s in sentences):
            problems.append(Problem("stale note", note.line, None,
                                    f"the note's fragment 「{note.fragment}」 is in no sentence of "
                                    f"the paragraph above it: quote the words it backs verbatim, "
                                    f"or remove the note"))
    for framework in frameworks:
        tab = [s for s in sentences if s.read_by(framework.tag)]
        claim_list = claims(executed[framework.tag])
        numbers = code_numbers(executed[framework.tag], sections)
        for sentence in tab:
            need_ = need(sentence)
            if not need_:
                continue
            row = Row(framework, sentence, need_,
                      backings(sentence, need_, claim_list, numbers, notes))
            rows.append(row)
            if not row.backed:
                failing = [r["statement"] for r, _ in claim_list if not r.get("holds", True)
                           and r["quoted"] in sentence.text]
                problems.append(Problem("unbacked", sentence.line, framework,
                                        unbacked_message(sentence, need_, failing)))
        for record, line in claim_list:
            if not any(record["quoted"] in s.text for s in tab):
                problems.append(Problem("stale claim", line, framework,
                                        f"the claim «{record['statement']}» quotes no sentence "
                                        f"this tab's readers read: make its statement a verbatim "
                                        f"fragment of the sentence it checks (or remove it)"))
    return Report(tuple(rows), tuple(problems))


def shortened(text, width=60):
    return text if len(text) <= width else text[:width - 1] + "…"


def unbacked_message(sentence, need_, failing=()):
    why = "".join(f" (the claim «{statement}» quotes it but does not hold in this run)"
                  for statement in failing)
    return (f"«{shortened(sentence.text, 120)}» states {need_.describe()} but nothing backs "
            f"it{why}: "
            f"quote the number with a {{value}} role, add a d2l.claim whose statement is a "
            f"verbatim fragment of this sentence, or write a note right after the paragraph: "
            f"% 依据：「<fragment of the sentence>」<why it holds>")


def check(page, executed, frameworks, extensions=myst.EXTENSIONS):
    """Raise a :class:`BookError` if the page has problems (:func:`report`);
    it names the first one's line and framework and lists them all."""
    problems = report(page, executed, frameworks, extensions).problems
    if not problems:
        return
    first = problems[0]
    listed = "\n".join(f"  {page.path}:{p.line if p.line is not None else '?'}: "
                       f"{f'[{p.framework.label}] ' if p.framework is not None else ''}"
                       f"{p.kind}: {p.message}" for p in problems[1:])
    more = (f"\n{len(problems) - 1} more (python tools/backing.py --unbacked lists them "
            f"all):\n{listed}" if listed else "")
    raise BookError(f"{first.kind}: {first.message}{more}", path=page.path, line=first.line,
                    framework=first.framework)
