"""Reports with pictures: the HTML page, the error ladder, the explanation graph, and what a real browser shows.

matplotlib (the [plot] extra) and Chromium are needed here: without them these tests skip on a workstation but
fail when the environment variable CI is set, so a CI machine that lost one never passes by skipping.
Graphviz is optional everywhere: the `dot` path is tested where `dot` exists, the matplotlib fallback always.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import mlstrategy as mls

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def need(available: bool, what: str) -> None:
    """Skip without `what`, except under CI, where a missing dependency is a failure."""
    if not available:
        message = f"{what} is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI is set: CI must provide it")
        pytest.skip(message)


def has_matplotlib() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


@pytest.fixture
def plotting() -> None:
    need(has_matplotlib(), "matplotlib (pip install 'mlstrategy[plot]')")


@pytest.fixture(scope="module")
def ladder() -> mls.Advice:
    """The course's mismatched-distributions ladder: every step known, avoidable bias the largest gap."""
    return mls.advise(human_error=0.01, train_error=0.08, train_dev_error=0.09, dev_error=0.10, test_error=0.11)


@pytest.fixture(scope="module")
def hostile() -> mls.Advice:
    """User text that must never reach the page as markup: the dev distribution's label is a script tag."""
    return mls.advise(human_error=0.01, train_error=0.02, train_dev_error=0.025, dev_error=0.09,
                      dev_distribution=SCRIPT, test_distribution="mobile")


# The fallback drawing warns (it is never silent: test_without_graphviz_the_fallback_drawing_says_so checks it).
pytestmark = pytest.mark.filterwarnings("ignore:explanation graph drawn with matplotlib")


@pytest.fixture(params=["dot", "matplotlib"])
def graph_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way of drawing the explanation graph: Graphviz's dot (where installed), and the matplotlib fallback."""
    if request.param == "dot":
        if shutil.which("dot") is None:
            pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    else:
        real_which = shutil.which
        monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot" else real_which(name, *a, **k))
    return request.param


class Page(HTMLParser):
    """Parses a page strictly enough to catch broken markup: every opened element closed, in order."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.starts: dict[str, int] = {}
        self.links: list[str] = []
        self.chunks: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count(tag, attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "style" not in self.stack:
            self.chunks.append(data)

    def _count(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts[tag] = self.starts.get(tag, 0) + 1
        self.links += [value or "" for name, value in attrs if name in ("src", "href", "xlink:href", "action")]

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def in_order(text: str, items: list[str]) -> bool:
    at = 0
    for item in items:
        at = text.find(item, at)
        if at < 0:
            return False
        at += len(item)
    return True


# ---------------------------------------------------------------- the HTML page
def test_html_page_parses_and_shows_the_plan_its_reasons_and_both_pictures(plotting, ladder):
    page = ladder.to_html()
    parsed = Page(page)
    assert page.startswith("<!DOCTYPE html>")
    assert parsed.errors == [] and parsed.stack == []
    assert parsed.starts["svg"] == 3  # the error ladder, the primary problem's chain and the full graph, inline
    assert parsed.starts.get("script", 0) == 0 and parsed.starts.get("img", 0) == 0
    assert all(link.startswith("#") for link in parsed.links), "nothing may load from outside the page"
    text = parsed.text
    assert "Primary problem: Avoidable bias (7%)" in text
    questions = ["Would sharpen the advice"] if ladder.missing else []  # none here: no answer could change it
    assert in_order(text, [ladder.headline, "Plan", "Do first", "Also possible", "Facts given", "Error ladder",
                           "Diagnoses", "Values", *questions, "the primary problem's chain",
                           "Show the full explanation graph"])
    assert in_order(text, [action.title for action in ladder.actions])  # the plan, in its order
    assert "Training error 8% - Bayes proxy 1% = avoidable bias 7%." in text  # a why chain, folded in <details>
    assert parsed.starts["details"] >= len(ladder.actions) + len(ladder.diagnoses)
    for name in ("train_dev_error", "largest_gap"):
        assert name in text


def test_considered_not_advised_is_on_the_page(plotting):
    advice = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10, task_a_examples=1_000_000,
                        task_b_examples=100, same_input_type=True)
    text = Page(advice.to_html()).text
    assert "Considered, not advised" in text
    assert "transfer_learning" in text and "transfer.recommended" in text


def test_user_text_is_escaped_everywhere(plotting, hostile, graph_path):
    page = hostile.to_html()
    assert "<script" not in page.lower()
    assert ESCAPED in page  # the facts table, and the rationale that quotes the label
    assert Page(page).starts.get("script", 0) == 0
    assert SCRIPT in Page(page).text  # ... and a reader sees the label as written


def test_save_html_writes_the_page(plotting, ladder, tmp_path):
    path = ladder.save_html(tmp_path / "advice.html")
    assert path == tmp_path / "advice.html"
    assert path.read_text(encoding="utf-8") == ladder.to_html()


def test_notebooks_get_the_report_without_the_page_wrapper(plotting, ladder):
    fragment = ladder._repr_html_()
    assert fragment is not None and fragment.count("<svg") == 3
    assert "<html" not in fragment and "<body" not in fragment
    assert Page(fragment).errors == []


def test_a_situation_with_no_facts_still_makes_a_page(plotting):
    parsed = Page(mls.advise().to_html())
    assert parsed.errors == [] and parsed.starts["svg"] == 2
    assert "No facts were given." in parsed.text and "none found" in parsed.text


# ---------------------------------------------------------------- the error ladder
def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (bytes 16-24), no imaging library needed."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_save_plot_writes_a_png_of_the_expected_size(plotting, ladder, tmp_path):
    from mlstrategy.plots import LADDER_DPI, LADDER_SIZE

    path = ladder.save_plot(tmp_path / "ladder.png")
    assert path.stat().st_size > 1000
    assert png_size(path) == (round(LADDER_SIZE[0] * LADDER_DPI), round(LADDER_SIZE[1] * LADDER_DPI)) == (800, 450)
    assert ladder.save_plot(tmp_path / "ladder.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_the_ladder_draws_known_steps_and_labels_each_gap(plotting, ladder):
    from matplotlib.figure import Figure

    figure = ladder.plot()
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Bayes proxy\n(human level)", "train", "train-dev", "dev",
                                                           "test"]
    labels = {t.get_text() for t in ax.texts}
    for label in ("avoidable bias\n7%", "variance\n1%", "data mismatch\n1%", "dev-set overfitting\n1%"):
        assert label in labels
    assert ax.get_title(loc="left") == "Primary problem: Avoidable bias (7%)"
    short = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10).plot().axes[0]
    assert [t.get_text() for t in short.get_xticklabels()] == ["Bayes proxy\n(human level)", "train", "dev"]
    assert "variance\n2%" in {t.get_text() for t in short.texts}  # no train-dev error: train to dev is variance


def test_pictures_never_touch_pyplot(plotting, ladder):
    already = "matplotlib.pyplot" in sys.modules  # some other test may have imported it
    before = sys.modules["matplotlib.pyplot"].get_fignums() if already else []
    ladder.plot()
    ladder.to_html()
    if already:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == before  # no figure left in pyplot's registry
    else:
        assert "matplotlib.pyplot" not in sys.modules


def test_without_matplotlib_the_error_names_the_extra(ladder, monkeypatch):
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install 'mlstrategy\[plot\]'"):
        ladder.plot()
    with pytest.raises(ImportError, match=r"mlstrategy\[plot\]"):
        ladder.to_html()
    assert ladder._repr_html_() is None  # notebooks fall back to the Markdown


# ---------------------------------------------------------------- the explanation graph
def test_graph_svg_on_both_paths(plotting, ladder, graph_path, tmp_path):
    from mlstrategy.plots import graph_svg

    svg = graph_svg(ladder)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert Page(svg).errors == []
    if graph_path == "dot":
        assert 'class="graph"' in svg and "action bigger_model" in svg
    else:
        assert 'id="figure_1"' in svg
    assert ladder.save_graph(tmp_path / "graph.svg").read_text(encoding="utf-8").count("<svg") == 1
    width, height = png_size(ladder.save_graph(tmp_path / "graph.png"))
    assert width > 200 and height > 100
    assert ladder.save_graph(tmp_path / "graph.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, not .\.gif"):
        ladder.save_graph(tmp_path / "graph.gif")


def test_the_fallback_drawing_styles_each_kind_and_has_a_legend(plotting, ladder):
    from mlstrategy.plots import graph_figure

    ax = graph_figure(ladder).axes[0]
    labels = {t.get_text() for t in ax.texts}
    assert {"train_error = 8%", "gaps.avoidable_bias", "avoidable_bias = 7%", "avoidable_bias 7%", "bigger_model"} <= labels
    styles = {t.get_text(): t.get_bbox_patch() for t in ax.texts if t.get_color() != "none"}
    assert styles["train_error = 8%"].get_facecolor() != styles["bigger_model"].get_facecolor()
    assert styles["gaps.avoidable_bias"].get_linestyle() != styles["bigger_model"].get_linestyle()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["input (given)", "rule firing", "derived value", "diagnosis", "action"]


def test_without_graphviz_the_fallback_drawing_says_so(plotting, monkeypatch):
    # The matplotlib drawing is slower and plainer: using it is never silent (a warning, and a note on the page).
    from mlstrategy import plots

    advice = mls.advise(dev_distribution='phone "pro"', test_distribution="web")
    monkeypatch.setattr(plots.shutil, "which", lambda name: None)
    with pytest.warns(RuntimeWarning, match="not installed"):
        assert plots.graph_svg(advice).startswith("<svg")
    with pytest.warns(RuntimeWarning):
        page = Page(advice.to_html()).text
    assert "Drawn without Graphviz, more plainly: Graphviz's dot program is not installed" in page


# ---------------------------------------------------------------- in a real browser
def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_a_headless_browser_renders_the_page_without_errors(plotting, ladder, tmp_path):
    browser = chromium()
    need(browser is not None, "Chromium (apt-get install chromium)")
    page = ladder.save_html(tmp_path / "advice.html")
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=90, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Page(done.stdout)
    assert dom.starts.get("svg") == 3
    assert in_order(dom.text, ["Primary problem: Avoidable bias (7%)", "Plan", *[a.title for a in ladder.actions]])
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == [], "the page logged errors or blocked loads:\n" + "\n".join(console)
    assert "chrome-error://" not in done.stdout


def test_the_page_says_what_cannot_be_told_yet_instead_of_none_found(plotting):
    text = Page(mls.advise(train_error=0.08, dev_error=0.10).to_html()).text
    assert "Can't tell yet: avoidable bias or variance - measure human-level error to settle it." in text
    assert "Bias or variance: can't tell yet bias_or_variance" in text and "none found" not in text
    met = Page(mls.advise(human_error=0.01, train_error=0.02, dev_error=0.03, target_error=0.05).to_html()).text
    assert "Status: Meets the target meets_target" in met and "none found" not in met
