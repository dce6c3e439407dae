"""The funnel plot's drawing and words (metrics.drawing.funnel), pure: shapes, escaping and
the sentences, on the FunnelPlotR test units worked in tests/spc/test_funnel.py."""

from metrics.drawing import funnel as drawing
from metrics.spc import funnel

NUM, DEN = [100, 150, 180, 80, 120, 225], [108, 112, 165, 95, 100, 220]
NAMES = ["A", "<b>B</b>", "C", "D", "E", "F"]
LINKS = [f"/measures/{i}/" for i in range(1, 7)]


def test_points_carry_their_place_in_shape_and_their_link():
    # Plain 2σ limits (z = 2): B (1.339) above, D (0.842) below, none beyond 3σ.
    result = funnel(NUM, DEN, kind="u")
    fig = drawing.funnel_figure(result, NAMES, LINKS, title="<i>Falls</i>", improvement="decrease")
    points = fig["data"][-1]
    assert points["marker"]["symbol"] == [
        "circle", "triangle-up", "circle", "triangle-down", "circle", "circle"]
    assert points["customdata"] == LINKS
    assert points["hovertext"][1].startswith("&lt;b&gt;B&lt;/b&gt;: 1.34 (150 of 112), above")
    assert fig["layout"]["title"]["text"] == "&lt;i&gt;Falls&lt;/i&gt;"
    assert fig["layout"]["xaxis"]["type"] == "log"
    # The curves narrow as the denominator grows.
    upper3 = next(t for t in fig["data"] if t["name"] == "Upper 3σ limit")["y"]
    assert upper3 == sorted(upper3, reverse=True) and len(upper3) == drawing.CURVE_POINTS


def test_the_sentences_name_the_teams_beyond_their_limits_furthest_first():
    result = funnel(NUM, DEN, kind="u")
    words = drawing.sentences(result, NAMES, improvement="decrease")
    assert words == [
        "Overall rate 1.07 (855 over 800) across 6 teams.",
        "<b>B</b>: 1.34, above the 2σ limit (concern).",  # z 2.77, then D's −2.14
        "D: 0.842, below the 2σ limit (improvement).",
        "The other 4 teams lie within the limits.",
    ]
    lone = funnel([5], [10], kind="p")
    assert drawing.sentences(lone, ["Solo"])[-1] == "The team lies within the limits."
    assert drawing.sentences(funnel([None], [None]), ["X"]) == [
        "No team has figures for this period."]
    assert drawing.funnel_figure(funnel([None], [None]), ["X"], ["/x/"], title="t") is None
