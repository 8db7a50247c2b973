"""What the build executed, framework by framework: numbers, orderings, figures.

These tests read the executed notebooks of the last `make book` (the
execution cache); they execute nothing themselves.
"""

import re

import pytest

from book import cell_running, executed_notebook, stdout_of

FRAMEWORKS = ("mxnet", "pytorch", "tensorflow")
LOSS_RANGE = (0.2417, 0.27)
EXPERIMENTS = {  # source pattern -> batch size
    r"train_sgd\(1, 1500, 10\)": 1500,
    r"train_sgd\(0\.005, 1\)": 1,
    r"train_sgd\(\.4, 100\)": 100,
    r"train_sgd\(\.05, 10\)": 10,
}
LOSS_LINE = re.compile(r"^loss: ([0-9.]+), ([0-9.]+) sec/epoch$", re.M)


@pytest.fixture(params=FRAMEWORKS)
def nb(request):
    return executed_notebook(request.param)


def gflops(nb):
    values = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for name, value in re.findall(r"^(逐元素|逐列|一次性|分块|峰值)[^：]*：([0-9.e+-]+) GFLOPS",
                                      stdout_of(cell), re.M):
            values[name] = float(value)
    return values


def test_gflops_ordering(nb):
    g = gflops(nb)
    assert set(g) == {"逐元素", "逐列", "一次性", "分块", "峰值"}, g
    assert g["逐元素"] < g["逐列"] < g["分块"], g
    assert g["一次性"] >= 100 * g["逐元素"], g
    assert g["分块"] >= 5 * g["逐列"], g
    assert g["分块"] >= 0.1 * g["一次性"], g
    # The machine's peak is an upper bound of what a 256x256 product can reach,
    # give or take timing noise.
    assert g["一次性"] <= 1.5 * g["峰值"], g


def training_result(nb, pattern):
    cell = cell_running(nb, pattern)
    lines = LOSS_LINE.findall(stdout_of(cell))
    assert len(lines) == 1, stdout_of(cell)
    loss, sec_per_epoch = map(float, lines[0])
    return cell, loss, sec_per_epoch


def has_figure(cell):
    return any("image/png" in o.get("data", {}) for o in cell.outputs)


@pytest.mark.parametrize("pattern", list(EXPERIMENTS))
def test_each_experiment_reaches_the_loss_and_has_its_figure(nb, pattern):
    cell, loss, _ = training_result(nb, pattern)
    assert LOSS_RANGE[0] <= loss <= LOSS_RANGE[1]
    figures = [o for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(figures) == 1, "the Animator must leave exactly one (updated) figure"


def test_concise_run(nb):
    cell, loss, _ = training_result(nb, r"concise_res = train_concise_ch11")
    assert LOSS_RANGE[0] <= loss <= LOSS_RANGE[1]
    assert has_figure(cell)


def test_seconds_per_epoch_shrink_with_batch_size(nb):
    seconds = {EXPERIMENTS[p]: training_result(nb, p)[2] for p in EXPERIMENTS}
    assert seconds[1] > seconds[10] > seconds[100] > seconds[1500], seconds


def test_time_to_reach_the_loss_agrees_with_the_text(nb):
    """The text: SGD needs far more time than all the others to reach 0.25."""
    printed = stdout_of(cell_running(nb, r"def time_to_reach"))
    reached = {name.strip(): float(value) for name, value in
               re.findall(r"^\s*(.+?)：([0-9.]+|inf) 秒$", printed, re.M)}
    assert set(reached) == {"gd", "sgd", "batch size=100", "batch size=10"}, printed
    assert all(value < float("inf") for value in reached.values()), printed
    assert reached["sgd"] > reached["batch size=10"], printed
    assert reached["sgd"] > max(reached["gd"], reached["batch size=100"]), printed


def test_comparison_plot_present(nb):
    assert has_figure(cell_running(nb, r"d2l\.plot\("))


def test_hessian_eigenvalue_matches_the_text(nb):
    printed = stdout_of(cell_running(nb, r"eigvalsh"))
    value = float(re.search(r"最大特征值：([0-9.]+)", printed).group(1))
    assert 2.05 < value < 2.15   # the text says "约为 2.1"


def test_no_errors_and_no_stderr(nb):
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", cell.source
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"stderr in cell:\n{cell.source}\n---\n{output.text}"
