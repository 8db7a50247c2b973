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


def figures_of(cell):
    """The SVG figures of a cell (d2lshim shows every figure as SVG)."""
    return [o["data"]["image/svg+xml"] for o in cell.outputs if "image/svg+xml" in o.get("data", {})]


def has_figure(cell):
    return bool(figures_of(cell))


@pytest.mark.parametrize("pattern", list(EXPERIMENTS))
def test_each_experiment_reaches_the_loss_and_has_its_figure(nb, pattern):
    cell, loss, _ = training_result(nb, pattern)
    assert LOSS_RANGE[0] <= loss <= LOSS_RANGE[1]
    assert len(figures_of(cell)) == 1, "the Animator must leave exactly one (updated) figure"


def test_concise_run(nb):
    cell, loss, _ = training_result(nb, r"concise_res = train_concise_ch11")
    assert LOSS_RANGE[0] <= loss <= LOSS_RANGE[1]
    assert has_figure(cell)


def test_seconds_per_epoch_shrink_with_batch_size(nb):
    seconds = {EXPERIMENTS[p]: training_result(nb, p)[2] for p in EXPERIMENTS}
    assert seconds[1] > seconds[10] > seconds[100], seconds
    assert seconds[100] < seconds[1] / 10, seconds       # "far less than SGD"


def test_time_to_reach_the_loss_agrees_with_the_text(nb):
    """The text: SGD needs far more time than all the others to reach 0.25."""
    printed = stdout_of(cell_running(nb, r"def time_to_reach"))
    reached = {name.strip(): float(value) for name, value in
               re.findall(r"^\s*(.+?)：([0-9.]+|inf) 秒$", printed, re.M)}
    assert set(reached) == {"gd", "sgd", "batch size=100", "batch size=10"}, printed
    assert all(value < float("inf") for value in reached.values()), printed
    assert reached["sgd"] > reached["batch size=10"], printed
    assert reached["sgd"] > max(reached["gd"], reached["batch size=100"]), printed


def test_every_figure_is_vector_and_says_what_its_curves_are(nb):
    """SVG (sharp at any zoom); a legend, or a title naming the run ("batch size 10, lr 0.05")."""
    figures = [f for cell in nb.cells if cell.cell_type == "code" for f in figures_of(cell)]
    bitmaps = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
               if any(k.startswith("image/") and k != "image/svg+xml" for k in o.get("data", {}))]
    assert len(figures) >= 9 and bitmaps == []
    # matplotlib writes each text into the SVG as a comment before its glyphs
    titles = [re.findall(r"<!-- (batch size \d+, lr [0-9.]+.*?) -->", f) for f in figures]
    for figure, title in zip(figures, titles):
        assert 'id="legend_1"' in figure or len(title) == 1
    assert sum(bool(t) for t in titles) >= 7
    assert any("decayed ×0.1 per epoch" in t[0] for t in titles if t)


def test_comparison_plot_present(nb):
    assert has_figure(cell_running(nb, r"legend=\['gd', 'sgd', 'batch size=100'"))


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


# --- the worked solutions of the exercises: their conclusions, checked --------

def printed_by(nb, pattern):
    return stdout_of(cell_running(nb, pattern))


def test_exercise_batch_size_and_learning_rate(nb):
    rows = re.findall(r"^\s*(\d+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)$",
                      printed_by(nb, r"batch_sizes, lrs = "), re.M)
    grid = {(int(b), float(lr)): (float(loss), float(sec)) for b, lr, loss, sec in rows}
    assert len(grid) == 9
    for lr in (0.01, 0.05, 0.2):
        assert grid[5, lr][1] > grid[50, lr][1] > grid[500, lr][1], grid
    assert grid[500, 0.01][0] > 0.45
    assert grid[500, 0.01][0] > grid[500, 0.05][0] > grid[500, 0.2][0] > 0.25
    assert grid[5, 0.01][0] < 0.25 < grid[5, 0.2][0]


def test_exercise_learning_rate_decay(nb):
    printed = printed_by(nb, r"decay_times, decay_losses, rates = ")
    assert "各轮学习率： 0.05, 0.005, 0.0005" in printed
    (decay_loss, decay_wobble), (constant_loss, constant_wobble) = [
        (float(a), float(b)) for a, b in
        re.findall(r"最终损失 ([0-9.]+)，后两轮的平均波动 ([0-9.]+)", printed)]
    assert decay_wobble * 5 < constant_wobble, printed       # "about ten times smaller"
    assert decay_loss <= constant_loss + 0.002, printed      # "not worse"


def test_exercise_sampling_with_replacement(nb):
    printed = printed_by(nb, r"finals = ")
    (without, _), (with_, _) = [(float(m), float(s)) for m, s in
                                re.findall(r"最终损失 ([0-9.]+) ± ([0-9.]+)", printed)]
    assert 0.243 <= min(without, with_) and max(without, with_) <= 0.2475, printed
    assert abs(without - with_) < 0.005, printed


def test_exercise_duplicated_data(nb):
    printed = printed_by(nb, r"gap = ")
    gap = float(re.search(r"最大差 ([0-9.e+-]+)", printed).group(1))
    assert gap < 1e-4, printed                                   # GD: the same updates
    sgd = [float(x) for x in re.search(r"sgd：原数据 2 轮后损失 ([0-9.]+)，复制数据 1 轮后损失 ([0-9.]+)",
                                       printed).groups()]
    assert all(LOSS_RANGE[0] <= x <= LOSS_RANGE[1] for x in sgd), printed
    mini = [float(x) for x in re.findall(r"损失 ([0-9.]+) ±", printed)]
    assert len(mini) == 2 and abs(mini[0] - mini[1]) < 0.005, printed


def test_autograder_tests_pass_against_the_solutions(nb):
    """The hidden and visible autograder tests ran in the build: no error, no output."""
    checks = [c for c in nb.cells if c.cell_type == "code" and "autograder" in c.metadata.get("tags", [])]
    assert len(checks) == 3
    assert all(c.outputs == [] for c in checks)
