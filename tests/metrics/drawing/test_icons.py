import xml.etree.ElementTree as ET

import pytest

from metrics.drawing.icons import (
    ASSURANCE_LABELS,
    LEGEND,
    NO_ASSURANCE_LABEL,
    NO_VARIATION_LABEL,
    VARIATION_LABELS,
    assurance_icon_svg,
    assurance_label,
    icon_svg,
    variation_icon_svg,
    variation_label,
)

SVG = "{http://www.w3.org/2000/svg}"
BLUE, ORANGE, PURPLE, GREY = "#289de0", "#fab428", "#361475", "#7f7f7f"

VARIATIONS = [
    ("common_cause", GREY, "C", "Common cause variation — no significant change"),
    ("improvement_high", BLUE, "H", "Special cause variation — improvement (high)"),
    ("improvement_low", BLUE, "L", "Special cause variation — improvement (low)"),
    ("concern_high", ORANGE, "H", "Special cause variation — concern (high)"),
    ("concern_low", ORANGE, "L", "Special cause variation — concern (low)"),
    (
        "neither_high",
        PURPLE,
        "H",
        "Special cause variation — neither improvement nor concern (high)",
    ),
    ("neither_low", PURPLE, "L", "Special cause variation — neither improvement nor concern (low)"),
]
ASSURANCES = [
    ("pass", BLUE, "P", "Assurance — pass: the target will be consistently met"),
    ("fail", ORANGE, "F", "Assurance — fail: the target will be consistently missed"),
    (
        "hit_or_miss",
        GREY,
        "?",
        "Assurance — hit or miss: the target will be met at some times and not others",
    ),
]


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 — our own markup, parsed to check it is well formed


def described(root):
    """(title text, ring colour, letter or None) — what a person sees and hears."""
    title = root.find(f"{SVG}title")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == title.get("id")
    ring = root.find(f"{SVG}circle")
    text = root.find(f"{SVG}text")
    return title.text, ring.get("stroke"), None if text is None else text.text


@pytest.mark.parametrize("variation, colour, letter, label", VARIATIONS)
def test_variation_icons(variation, colour, letter, label):
    root = parse(variation_icon_svg(variation, uid="t"))

    assert described(root) == (label, colour, letter)
    assert variation_label(variation) == label
    assert f"mdc-variation-{variation}" in root.get("class")


@pytest.mark.parametrize("variation, colour, letter, label", VARIATIONS)
def test_variation_dots_end_in_the_icon_colour(variation, colour, letter, label):
    dots = parse(variation_icon_svg(variation)).findall(f"{SVG}circle")[1:]

    assert [d.get("fill") for d in dots] == [GREY, GREY, GREY, colour, colour]
    heights = [float(d.get("cy")) for d in dots]
    if letter == "H":
        assert heights[-1] < heights[0]
    elif letter == "L":
        assert heights[-1] > heights[0]
    else:
        assert len(set(heights)) == 1


@pytest.mark.parametrize("assurance, colour, letter, label", ASSURANCES)
def test_assurance_icons(assurance, colour, letter, label):
    root = parse(assurance_icon_svg(assurance, uid="t"))

    assert described(root) == (label, colour, letter)
    assert assurance_label(assurance) == label
    target_line = root.find(f"{SVG}line")
    assert target_line.get("stroke") == colour
    assert target_line.get("stroke-dasharray")


@pytest.mark.parametrize(
    "variation, improvement, expected",
    [
        ("improvement_high", "decrease", "concern_high"),
        ("concern_low", "decrease", "improvement_low"),
        ("improvement_low", "neither", "neither_low"),
        ("neither_high", "increase", "improvement_high"),
        ("common_cause", "increase", "common_cause"),
        ("concern_high", None, "concern_high"),
    ],
)
def test_icons_follow_the_measures_current_direction(variation, improvement, expected):
    svg = variation_icon_svg(variation, improvement)

    assert parse(svg).find(f"{SVG}title").text == VARIATION_LABELS[expected]
    assert variation_label(variation, improvement) == VARIATION_LABELS[expected]


def test_none_means_no_icon_but_a_readable_label():
    assert variation_icon_svg(None) == ""
    assert assurance_icon_svg(None) == ""
    assert variation_label(None) == NO_VARIATION_LABEL
    assert assurance_label(None) == NO_ASSURANCE_LABEL


@pytest.mark.parametrize(
    "call", [variation_icon_svg, assurance_icon_svg, variation_label, assurance_label]
)
def test_unknown_values_are_refused(call):
    with pytest.raises(ValueError, match="unknown"):
        call("<script>")


def test_each_icon_gets_its_own_title_id_unless_one_is_given():
    first, second = (parse(variation_icon_svg("common_cause")) for _ in range(2))

    assert first.find(f"{SVG}title").get("id") != second.find(f"{SVG}title").get("id")
    assert parse(variation_icon_svg("common_cause", uid="a")).find(f"{SVG}title").get("id") == (
        "mdc-variation-common_cause-a"
    )


def test_ids_and_sizes_are_escaped():
    svg = assurance_icon_svg("pass", size=24, uid='"><script>x</script>')

    assert "<script>" not in svg
    root = parse(svg)
    assert (root.get("width"), root.get("height")) == ("24", "24")
    assert root.get("aria-labelledby") == 'mdc-assurance-pass-"><script>x</script>'


def test_legend_covers_every_icon_with_its_label():
    keys = [key for key, _, _ in LEGEND]

    assert keys == [*VARIATION_LABELS, *ASSURANCE_LABELS]
    for key, label, description in LEGEND:
        assert parse(icon_svg(key)).find(f"{SVG}title").text == label
        assert description.endswith(".")


def test_chart_modules_stay_free_of_django_and_explain_of_plotly():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, metrics.spc.explain, metrics.drawing.icons;"
        "assert 'plotly' not in sys.modules and 'django' not in sys.modules;"
        "import metrics.drawing.figure, metrics.drawing.text;"
        "assert 'django' not in sys.modules"
    )
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)  # noqa: S603
