"""Renderings people read: the headline, the plan in steps, each rationale once, the model choice, intervals
beside their values, and user text that never breaks or hijacks a format (rich markup, Markdown, DOT,
Mermaid, terminals)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import mlstrategy as mls
from mlstrategy.render import md, md_code, summarised_graph
from mlstrategy.summary import headline

BIAS = {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.10}
LATENCY = {
    "candidates": {"A": {"f1": 0.90, "running_time_ms": 80}, "B": {"f1": "95%", "running_time_ms": 95},
                   "C": {"f1": 0.97, "running_time_ms": 1500}},
    "satisficing": {"running_time_ms": {"max": 100}},
}
ESCAPE = "\x1b]0;pwned\x07"
HOSTILE_NAMES = ["[/]", "[link=https://evil.example]click[/link]", "a\\", 'say "hi"', "a\n%%", "<b>x</b>",
                 f"cats{ESCAPE}", "x`y|z", "\u202eevil", "#;end"]


def hostile_advice() -> mls.Advice:
    categories = {name: 10 + index for index, name in enumerate(HOSTILE_NAMES)}
    return mls.advise(train_error=0.01, dev_error=0.10, error_analysis={"examined": 200, "categories": categories},
                      dev_distribution='phone "pro"\\', test_distribution="web")


def renderings(advice: mls.Advice) -> dict[str, str]:
    from rich.console import Console

    console = Console(record=True, width=140, force_terminal=False)
    console.print(advice)
    return {"text": str(advice), "markdown": advice.to_markdown(), "rich": console.export_text()}


def plain(markdown: str) -> str:
    """Markdown as a reader sees it: backslash escapes and entities resolved."""
    from html import unescape

    return unescape(re.sub(r"\\(.)", r"\1", markdown))


def readable(advice: mls.Advice) -> dict[str, str]:
    """Each rendering as a reader sees it, folded explanations (<details> of the page) left out."""
    out = renderings(advice)
    out["markdown"] = plain(out["markdown"])
    out["html"] = _page_text(advice)
    return out


# ---------------------------------------------------------------- the headline and the plan in steps
def test_every_rendering_leads_with_the_headline():
    advice = mls.advise(**BIAS)
    assert advice.headline == "Avoidable bias (7%) is the primary problem: first train a bigger model and train longer."
    for name, text in renderings(advice).items():
        assert advice.headline in text.replace("\n", " ")[:400], name
    assert advice.to_dict()["headline"] == advice.headline


def test_after_a_target_problem_the_model_knobs_come_then():
    advice = mls.advise(**BIAS, metric_matches_users=False)
    steps = advice.steps()
    assert list(steps) == ["do first", "then", "also possible"]
    assert [a.name for a in steps["do first"]] == ["change_metric", "weight_metric"]
    assert {a.name for a in steps["then"]} >= {"bigger_model", "train_longer", "reduce_regularization"}
    assert [a.step for a in advice.actions] == sorted((a.step for a in advice.actions), key=list(steps).index)
    text = str(advice)
    assert re.search(r"Do first:.*change_metric.*Then:.*bigger_model.*Also possible:", text, re.S)
    assert advice.to_dict()["steps"]["do first"] == ["change_metric", "weight_metric"]


def test_each_rationale_is_quoted_once_in_every_rendering():
    advice = mls.advise(**BIAS)
    rationale = next(r.text for a in advice.actions for r in a.reasons if r.rule == "bias.actions")
    assert sum(1 for a in advice.actions for r in a.reasons if r.rule == "bias.actions") >= 3  # one rule, many actions
    for name, text in readable(advice).items():
        flat = " ".join(text.split())
        assert flat.count(" ".join(rationale.split())[:60]) == 1, name
        assert "see above" in flat, name


def _page_text(advice: mls.Advice) -> str:
    pytest.importorskip("matplotlib")
    from html import unescape

    page = re.sub(r"<details>.*?</details>|<svg.*?</svg>|<style>.*?</style>", " ", advice.to_html(), flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", page))


def test_undetermined_and_met_target_headlines():
    # The knowledge base marks these diagnoses; any rendering says what cannot be told yet, and how to tell.
    undetermined = SimpleNamespace(name="bias_or_variance", kind="undetermined", title="Bias or variance",
                                   between=("avoidable_bias", "variance"), settled_by=("human_error", "bayes_error"))
    fake = SimpleNamespace(primary_problem=None, diagnosis=lambda name: None, actions=[], undetermined=undetermined,
                           diagnoses=[undetermined], choice=None, missing=[], inputs={})
    assert headline(fake) == "Can't tell yet: avoidable bias or variance - measure human-level error or Bayes error to settle it."
    met = SimpleNamespace(name="meets_target", kind="status", title="Meets the target")
    fake = SimpleNamespace(primary_problem=None, diagnosis=lambda name: None, actions=[], undetermined=None,
                           diagnoses=[met], choice=None, missing=[], inputs={"dev_error": 0.04, "target_error": 0.05})
    assert headline(fake) == "Meets the target: dev error 4% is at or below the target 5%."


# ---------------------------------------------------------------- model choice
def test_model_choice_is_a_result_in_every_rendering():
    advice = mls.advise(**LATENCY)
    sentence = "Choose B: best F1 among those within 100 ms; C fails running time 1,500 ms > 100 ms."
    assert advice.choice.chosen == "B" and advice.choice.sentence == sentence
    assert advice.headline == sentence  # no problem to fix: the choice is the news
    for name, text in readable(advice).items():
        flat = " ".join(text.split())
        assert sentence in flat, name
        assert re.search(r"B\W+95%\W+95 ms ok\W+CHOSEN", flat), name
        assert re.search(r"C\W+97%\W+1,500 ms FAILS\W+fails a bound", flat), name
    data = advice.to_dict()["choice"]
    assert data["chosen"] == "B" and {c["name"]: c["passed"]["running_time_ms"] for c in data["candidates"]} == {
        "A": True, "B": True, "C": False}


def test_candidates_as_a_mapping_and_percentages_read_like_the_list():
    as_list = mls.advise(candidates=[{"name": "A", "f1": 0.9, "running_time_ms": 80},
                                     {"name": "B", "f1": 0.95, "running_time_ms": 95},
                                     {"name": "C", "f1": 0.97, "running_time_ms": 1500}],
                         satisficing={"running_time_ms": {"max": 100}})
    assert mls.advise(**LATENCY).situation.candidates == as_list.situation.candidates
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="f1"):
        mls.advise(candidates={"A": {"f1": "ninety"}})


def test_no_candidate_within_the_bounds_says_so():
    advice = mls.advise(candidates={"A": {"f1": 0.9, "running_time_ms": 180}}, satisficing={"running_time_ms": {"max": 100}})
    assert advice.choice.chosen is None
    assert "No candidate meets every bound" in advice.choice.sentence and "A fails running time 180 ms > 100 ms" in advice.choice.sentence


# ---------------------------------------------------------------- numbers people read
def test_an_interval_is_shown_beside_its_value_never_as_rows():
    advice = mls.advise(**BIAS, dev_size=5000, train_size=100000)
    assert any(name.startswith("ci_low:") for name in advice.values)
    for name, text in readable(advice).items():
        text = text.replace("avoidable_bias", "avoidable bias")  # the tables name values by their names
        assert "ci_low" not in text and "ci_high" not in text, name
        assert re.search(r"avoidable bias[\s`|]+7% \(95% CI \d+(\.\d)?-\d+(\.\d)?%\)", text), name
    assert "ci_low:avoidable_bias" in advice.to_json()  # the full list stays in JSON


def test_a_plausible_range_is_shown_as_one():
    from mlstrategy.summary import value_rows

    advice = mls.advise(train_error=0.08, dev_error=0.10)
    advice.values.update({"range_low:avoidable_bias": 0.0, "range_high:avoidable_bias": 0.08})
    row = next(r for r in value_rows(advice) if r.name == "avoidable_bias")
    assert row.kind == "range" and row.text == "0-8% (plausible range)"


# ---------------------------------------------------------------- explanations
def test_why_prints_the_asked_chain_not_the_context_of_the_largest_gap():
    advice = mls.advise(human_errors={"expert": 0.01, "team": 0.007}, train_error=0.02, train_dev_error=0.025,
                        dev_error=0.09, test_error=0.095)
    text = str(advice.why("error_analysis"))
    assert "gaps.data_mismatch" in text
    assert "gaps.dev_set_overfitting" not in text and "gaps.variance_train_dev" not in text
    assert "why('largest_gap') shows them" in text
    assert "gaps.dev_set_overfitting" in str(advice.why("largest_gap"))  # ... which is there on request


# ---------------------------------------------------------------- hostile user text
def test_rich_shows_markup_in_user_text_as_written():
    from rich.console import Console

    advice = hostile_advice()
    console = Console(record=True, width=200)
    console.print(advice)  # a category named "[/]" used to raise MarkupError
    out = console.export_text()
    assert "[link=https://evil.example]click[/link]" in out and "[/]" in out
    assert "evil.example" not in console.export_html(inline_styles=True).split("href=")[-1][:40]
    assert all(segment.style is None or segment.style.link is None
               for segment in console._record_buffer)  # noqa: SLF001 - no clickable link was made


def test_no_control_character_reaches_a_text_rendering():
    advice = hostile_advice()
    for name, text in renderings(advice).items():
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text), name
        assert "]0;pwned" in text, name  # the text is there, the escape is not
    for explanation in (advice.why("variance"), advice.why_not("bigger_model"), advice.why_not("more_data")):
        for text in (str(explanation), getattr(explanation, "full", lambda: "")()):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    chain = str(advice.why(f"ceiling:cats{ESCAPE}"))  # the input label is in the tree, its escape is not
    assert "]0;pwned" in chain and "\x1b" not in chain and "\x07" not in chain
    assert "\\u001b" in advice.to_json()  # JSON escapes it by its own grammar


def test_markdown_escapes_user_text():
    advice = hostile_advice()
    markdown = advice.to_markdown()
    outside_code = re.sub(r"(`+).*?\1", "", markdown)  # in a code span HTML is shown as written
    assert "<b>" not in outside_code and "<" not in outside_code.replace("<details>", "").replace("</details>", "") \
        .replace("<summary>", "").replace("</summary>", "")
    assert md("<b>x</b> [y](z) *w*") == "&lt;b&gt;x&lt;/b&gt; \\[y\\](z) \\*w\\*"
    assert md_code("x`y") == "``x`y``" and md_code("a|b") == "`a\\|b`"


def test_dot_export_parses_with_graphviz_and_keeps_every_name():
    dot_program = shutil.which("dot")
    if dot_program is None:
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    advice = hostile_advice()
    done = subprocess.run([dot_program, "-Tsvg"], input=advice.to_dot(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    from html import unescape

    labels = {unescape(label) for label in re.findall(r"<text[^>]*>(.*?)</text>", done.stdout)}
    for name in ("a\\", 'say "hi"', "[/]", "<b>x</b>", "#;end"):
        assert any(f"ceiling:{name} =" in label for label in labels), name


def test_graph_labels_stay_under_graphviz_limits_with_many_categories():
    pytest.importorskip("matplotlib")
    categories = {f"category {i} " + "x" * 40: i % 50 + 1 for i in range(2000)}
    advice = mls.advise(train_error=0.01, dev_error=0.1, error_analysis={"examined": 100, "categories": categories})
    assert max(len(m) for m in re.findall(r'label="((?:[^"\\]|\\.)*)"', advice.to_dot())) <= 200
    picture = summarised_graph(advice.graph)
    assert len(picture) < 60 < len(advice.graph)
    assert any(data.get("name") == "ceiling: 1,984 more" for _, data in picture.nodes(data=True))
    page = advice.to_html()  # warnings are errors here: no silent (or noisy) fallback to matplotlib
    assert len(page) < 400_000 and "and 1,984 more" in page


def mermaid_js(cache: pytest.Cache) -> str | None:
    """mermaid.min.js: $MLSTRATEGY_MERMAID_JS, else npm's package installed once into pytest's cache (None where
    npm or the network is missing: the test then skips)."""
    import os

    if os.environ.get("MLSTRATEGY_MERMAID_JS"):
        return os.environ["MLSTRATEGY_MERMAID_JS"]
    folder = cache.mkdir("mermaid")
    script = folder / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not script.exists() and shutil.which("npm"):
        try:
            subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--fetch-retries=0",
                            "mermaid@11"], capture_output=True, timeout=180, check=False)
        except subprocess.TimeoutExpired:
            return None
    return str(script) if script.exists() else None


def test_mermaid_export_parses_with_mermaids_own_parser(request, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    script = mermaid_js(request.config.cache)
    if browser is None or script is None:
        pytest.skip("needs chromium and the mermaid npm package (npm install mermaid)")
    diagrams = [hostile_advice().to_mermaid(), mls.advise(**LATENCY).to_mermaid(),
                'flowchart LR\n    n0["a\n%%"]\n']  # the last is the old, unescaped form: the parser must refuse it
    page = tmp_path / "parse.html"
    page.write_text(f"""<!DOCTYPE html><html><body><pre id="out">pending</pre>
<script src="{script}"></script><script>
(async () => {{ const out = [];
  for (const text of {json.dumps(diagrams)}) {{
    try {{ await mermaid.parse(text); out.push("ok"); }} catch (e) {{ out.push("error"); }} }}
  document.getElementById("out").textContent = JSON.stringify(out); }})();
</script></body></html>""", encoding="utf-8")
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}",
                           "--virtual-time-budget=20000", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, done.stderr[-1000:]
    assert json.loads(found.group(1)) == ["ok", "ok", "error"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=12).filter(str.strip))
def test_any_category_name_keeps_every_rendering_whole(name):
    advice = mls.advise(train_error=0.01, dev_error=0.10, error_analysis={"examined": 50, "categories": {name: 30}})
    for text in renderings(advice).values():
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    mermaid = advice.to_mermaid()
    assert all(line.count('"') in (0, 2) for line in mermaid.splitlines())  # one quoted label per node line
    assert not any(line.lstrip().startswith("%%") for line in mermaid.splitlines())


def test_a_sweep_reads_as_one_line_per_advice():
    from mlstrategy.summary import summary_table

    results = mls.advise_many([BIAS, {**BIAS, "metric_matches_users": False}, LATENCY, {"human_error": 2}])
    assert results[0].summary_line() == "avoidable_bias 7% | do first: bigger_model, train_longer"
    assert results[2].summary_line() == "no problem | choose B"
    table = summary_table(results, ["base", "metric", "models", "bad"]).splitlines()
    assert len(table) == 5 and table[2].startswith("metric  metric_mismatch | do first: change_metric")
    assert table[4].startswith("bad     error: ")


def test_in_a_real_browser_the_plan_is_grouped_the_winner_marked_and_the_chain_fits_the_page(tmp_path):
    pytest.importorskip("matplotlib")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium (apt-get install chromium)")
    from mlstrategy.cli import demo_situation

    advice = mls.advise(demo_situation(), **LATENCY)
    page = advice.to_html()
    # The page allows no scripts (its CSP); a copy without the CSP measures what the browser laid out.
    probe = """<script>
    const chain = document.querySelector("figure.graph.chain svg"), box = chain.parentElement;
    const out = {chain: chain.getBoundingClientRect().width, figure: box.clientWidth,
                 page: document.documentElement.scrollWidth, window: window.innerWidth,
                 steps: [...document.querySelectorAll("section.step h3")].map(h => h.textContent),
                 chosen: [...document.querySelectorAll("table.candidates tr.chosen th")].map(t => t.textContent),
                 fails: [...document.querySelectorAll("table.candidates td.fail")].length,
                 fullGraphOpen: document.querySelector("details.full-graph").open};
    document.body.insertAdjacentHTML("beforeend", "<pre id='probe'>" + JSON.stringify(out) + "</pre>");
    </script>"""
    measured = tmp_path / "measured.html"
    measured.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
                        .replace("</body>", probe + "</body>"), encoding="utf-8")
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2000",
                           "--dump-dom", measured.as_uri()], capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r"<pre id=\"probe\">(.*?)</pre>", done.stdout, re.S)
    assert found is not None, done.stderr[-1000:]
    from html import unescape

    dom = json.loads(unescape(found.group(1)))
    from mlstrategy.render import STEP_TITLES

    assert dom["steps"] == [STEP_TITLES[step] for step in advice.steps()] and dom["steps"][0] == "Do first"
    assert dom["chosen"] == ["B"] and dom["fails"] >= 1
    assert 0 < dom["chain"] <= dom["figure"] + 1  # the primary problem's chain at page width
    assert dom["page"] <= dom["window"]  # and nothing makes the page scroll sideways
    assert dom["fullGraphOpen"] is False  # the full graph waits behind its toggle


def test_the_text_report_never_loads_networkx():
    import sys

    code = ("import sys, mlstrategy as m; a = m.advise(human_error=0.01, train_error=0.08, dev_error=0.1, dev_size=900,"
            " train_size=900); str(a); a.to_markdown(); a.headline; a.summary_line(); print('networkx' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False"


def test_without_a_human_level_every_rendering_says_what_cannot_be_told_yet():
    advice = mls.advise(train_error=0.08, dev_error=0.10)
    assert advice.primary_problem is None and advice.undetermined.settled_by == ("human_error",)
    assert advice.headline == "Can't tell yet: avoidable bias or variance - measure human-level error to settle it."
    for name, text in readable(advice).items():
        flat = " ".join(text.split())
        assert advice.headline in flat and "nothing worth fixing" not in flat, name
    met = mls.advise(human_error=0.01, train_error=0.02, dev_error=0.03, target_error=0.05)
    assert met.headline == "Meets the target: dev error 3% is at or below the target 5%."
    assert met.summary_line() == "meets the target"
