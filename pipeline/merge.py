"""Merge: the executed framework notebooks → one notebook for MyST-NB.

* Prose is shown once.
* A tab group (consecutive framework cells) becomes a ``tab-set`` with one
  tab per framework, holding that framework's cells and their outputs.
* A shared cell is shown once; if its outputs differ between frameworks they
  follow it in a tab set of their own.

The tabs hold ``framework-slot`` placeholders; ``_ext/framework_tabs.py``
moves the rendered cells into them.  Cells are matched by their index in the
source (``source_index``, set by the split), never by position in a cache.
A source notebook with cells left out (the course edition, see
``pipeline/editions.py``) says each code cell's index in the full source in
the same metadata.

The merged notebook's ``source_map`` (see :func:`pipeline.source.with_source_map`)
gives every cell the line of the ``.md`` file it stands for: a prose or
framework cell its own, a tab set its group's first cell, a shared cell's
output tabs that cell's.  So Sphinx's warnings name the page's lines.
"""

from __future__ import annotations

import copy
import json

import nbformat

from . import source, values


def _comparable(outputs):
    """Outputs without what differs between identical runs (counts, metadata)."""
    keep = []
    for output in outputs:
        output = dict(output)
        for volatile in ("execution_count", "metadata", "transient"):
            output.pop(volatile, None)
        keep.append(output)
    return json.dumps(keep, sort_keys=True)


def tab_set(slot_prefix, frameworks):
    """A MyST tab set with one slot per framework (filled by framework_tabs.py)."""
    items = []
    for framework in frameworks:
        selected = "\n:selected:" if framework == frameworks.default else ""
        items.append(f"````{{tab-item}} {framework.label}\n:sync: {framework.tag}{selected}\n"
                     f"```{{framework-slot}} {slot_prefix}-{framework.tag}\n```\n````")
    return "`````{tab-set}\n:sync-group: framework\n" + "\n".join(items) + "\n`````"


def _at(new, cell):
    """``new``, a cell made for ``cell``, at ``cell``'s source line."""
    line = cell.metadata.get("source_line")
    if line is not None:
        new.metadata["source_line"] = line
    return new


def _slot_cell(cell, slot, framework, outputs, remove_input=False):
    tags = [framework.tag] + (["remove-input"] if remove_input else [])
    new = nbformat.v4.new_code_cell(source.without_grader_markers(cell.source),
                                    metadata={"tags": tags, "framework_slot": slot})
    new.outputs = outputs
    return _at(new, cell)


def merge(nb, executed, frameworks, page=None):
    """One notebook holding every framework's cells and outputs (see above).

    Hidden cells (``book``, ``autograder``) are left out; the prose gets
    every framework's quoted values (``page`` locates errors in them).
    """
    outputs = {tag: {c.metadata["source_index"]: values.without_records(c.get("outputs", []))
                     for c in nb_framework.cells if c.cell_type == "code"}
               for tag, nb_framework in executed.items()}
    glued = {tag: values.collect(nb_framework) for tag, nb_framework in executed.items()}
    group_of = {}
    for number, group in enumerate(source.tab_groups(nb, frameworks), 1):
        # a hidden framework cell (a test, a check) never reaches a tab
        shown = [i for i in group if not source.is_hidden(nb.cells[i])]
        for index in shown:
            group_of[index] = (number, shown)

    def source_index(position):
        return nb.cells[position].metadata.get("source_index", position)

    cells, shared_groups = [], 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            cell = copy.deepcopy(cell)
            cell.source = values.for_every_framework(cell.source, glued, frameworks, page)
            cells.append(cell)
        elif source.is_hidden(cell):
            continue
        elif index in group_of:
            number, group = group_of[index]
            if index != group[0]:
                continue                  # the group was emitted at its first cell
            cells.append(_at(nbformat.v4.new_markdown_cell(tab_set(f"g{number}", frameworks)),
                             cell))
            for framework in frameworks:
                for i in group:
                    if frameworks.of_cell(nb.cells[i]) == framework:
                        cells.append(_slot_cell(nb.cells[i], f"g{number}-{framework.tag}",
                                                framework, outputs[framework.tag][source_index(i)]))
        else:
            per_framework = {f.tag: outputs[f.tag][source_index(index)] for f in frameworks}
            shared = copy.deepcopy(cell)
            shared.source = source.without_grader_markers(shared.source)
            if len({_comparable(o) for o in per_framework.values()}) == 1:
                shared.outputs = per_framework[frameworks.default.tag]
                cells.append(shared)
                continue
            shared_groups += 1
            slot = f"s{shared_groups}"
            shared.outputs = []
            cells.append(shared)
            cells.append(_at(nbformat.v4.new_markdown_cell(tab_set(slot, frameworks)), cell))
            for framework in frameworks:
                cells.append(_slot_cell(cell, f"{slot}-{framework.tag}", framework,
                                        per_framework[framework.tag], remove_input=True))
    merged = copy.deepcopy(nb)
    merged.cells = cells
    for cell in merged.cells:
        cell.metadata.pop("source_index", None)
    source.with_source_map(merged)
    source.renumber_cells(merged, "merged")
    merged.metadata["kernelspec"] = dict(source.KERNELSPEC)
    # The outputs are already there: MyST-NB must not execute anything.
    merged.metadata.setdefault("mystnb", {})["execution_mode"] = "off"
    return merged
