"""The names of what an edition builds, and its table of contents (pipeline/editions.py)."""

import pytest

from book import ROOT
from pipeline import editions
from pipeline.errors import BookError


def test_the_full_edition_keeps_the_names_and_another_adds_its_own():
    assert [editions.built_name("html", edition) for edition in editions.EDITIONS] == [
        "html", "html-course"]
    with pytest.raises(BookError, match="unknown edition 'public'"):
        editions.built_name("html", "public")


def test_the_pdf_is_named_after_the_latex_target_of_the_config(tmp_path):
    assert editions.pdf_name(ROOT, "pytorch") == "minibatch-sgd-pytorch.pdf"
    assert editions.pdf_name(ROOT, "pytorch", "course") == "minibatch-sgd-pytorch-course.pdf"
    (tmp_path / "_config.yml").write_text(
        "title: 一本书\nlatex:\n  latex_documents:\n    targetname: other.tex\n", encoding="utf-8")
    assert editions.pdf_name(tmp_path, "jax") == "other-jax.pdf"
    assert editions.latex_document(tmp_path) == {"title": "一本书", "targetname": "other.tex"}
    (tmp_path / "_config.yml").write_text("title: 一本书\n", encoding="utf-8")
    assert editions.pdf_name(tmp_path, "jax") == "book-jax.pdf"      # Jupyter Book's default


def test_the_course_toc_lists_no_instructor_page():
    toc = {"format": "jb-book", "root": "index",
           "parts": [{"caption": "正文", "chapters": [
               {"file": "chapters/a", "sections": [{"file": "chapters/a/guide.md"}]},
               {"file": "instructors", "sections": [{"file": "instructors/grading"}]}]}]}
    course = editions.course_toc(toc, {"instructors", "chapters/a/guide"})
    assert course == {"format": "jb-book", "root": "index",
                      "parts": [{"caption": "正文", "chapters": [{"file": "chapters/a"}]}]}
    assert toc["parts"][0]["chapters"][1]["file"] == "instructors"     # the book's own is unchanged
    with pytest.raises(BookError, match="_toc.yml:.*the root page 'index' is an instructor page"):
        editions.course_toc(toc, {"index"})
