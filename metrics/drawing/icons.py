"""Making Data Count variation and assurance icons, as inline SVG strings.

Pure (no Django). Follows the NHS England Making Data Count conventions: a white circle ringed
in the icon's colour; variation icons carry H or L (special cause high/low) above a line of dots
whose last two points rise or fall, or C (common cause) above a flat line; assurance icons carry
P (pass), F (fail) or ? (hit or miss) above a dashed target line. (Making Data Count draws common
cause without a letter; ours has its C so that every icon reads without its colour.) Colours:
improvement/pass blue, concern/fail orange, neither purple, common cause and hit-or-miss grey.
Every icon has a letter and a pattern as well as a colour, and is announced by its label
(``role="img"`` with a ``<title>`` referenced by ``aria-labelledby``).

``None`` (a run chart, or no target) means "no icon": the SVG functions return "" and the label
functions return a readable "no icon" label for a text fallback. Unknown values raise ValueError.
The returned SVG is markup, safe to mark safe in a template: every interpolated string is escaped.
"""

from __future__ import annotations

import functools
import itertools
from html import escape

__all__ = [
    "ASSURANCE_LABELS",
    "COLOURS",
    "LEGEND",
    "VARIATION_LABELS",
    "assurance_icon_svg",
    "assurance_label",
    "icon_svg",
    "variation_icon_svg",
    "variation_label",
]

COLOURS = {
    "improvement": "#289de0",
    "concern": "#fab428",
    "neither": "#361475",
    "common_cause": "#7f7f7f",
}
_GREY = COLOURS["common_cause"]

# key: (colour, letter, dots pattern, label)
_VARIATION = {
    "common_cause": (_GREY, "C", "flat", "Common cause variation — no significant change"),
    "improvement_high": (
        COLOURS["improvement"],
        "H",
        "high",
        "Special cause variation — improvement (high)",
    ),
    "improvement_low": (
        COLOURS["improvement"],
        "L",
        "low",
        "Special cause variation — improvement (low)",
    ),
    "concern_high": (COLOURS["concern"], "H", "high", "Special cause variation — concern (high)"),
    "concern_low": (COLOURS["concern"], "L", "low", "Special cause variation — concern (low)"),
    "neither_high": (
        COLOURS["neither"],
        "H",
        "high",
        "Special cause variation — neither improvement nor concern (high)",
    ),
    "neither_low": (
        COLOURS["neither"],
        "L",
        "low",
        "Special cause variation — neither improvement nor concern (low)",
    ),
}
_ASSURANCE = {
    "pass": (COLOURS["improvement"], "P", "Assurance — pass: the target will be consistently met"),
    "fail": (COLOURS["concern"], "F", "Assurance — fail: the target will be consistently missed"),
    "hit_or_miss": (
        _GREY,
        "?",
        "Assurance — hit or miss: the target will be met at some times and not others",
    ),
}
VARIATION_LABELS = {key: spec[-1] for key, spec in _VARIATION.items()}
ASSURANCE_LABELS = {key: spec[-1] for key, spec in _ASSURANCE.items()}
NO_VARIATION_LABEL = "No variation icon: no process limits (run chart or too little data)"
NO_ASSURANCE_LABEL = "No assurance icon: no target, or no improvement direction"

_DESCRIPTIONS = {
    "common_cause": "Only the variation expected by chance: nothing has changed.",
    "improvement_high": "Higher than expected by chance, and higher is better.",
    "improvement_low": "Lower than expected by chance, and lower is better.",
    "concern_high": "Higher than expected by chance, and higher is worse.",
    "concern_low": "Lower than expected by chance, and lower is worse.",
    "neither_high": "Higher than expected by chance; neither direction is better.",
    "neither_low": "Lower than expected by chance; neither direction is better.",
    "pass": "The limits are all on the right side of the target: it will be met.",
    "fail": "The limits are all on the wrong side of the target: it will be missed "
    "unless the process changes.",
    "hit_or_miss": "The target lies between the limits: it will be met some of the time.",
}
LEGEND = [
    (key, {**VARIATION_LABELS, **ASSURANCE_LABELS}[key], description)
    for key, description in _DESCRIPTIONS.items()
]

_ids = itertools.count(1)

# Two grey dots then two coloured ones, flat for common cause, rising/falling for high/low.
_DOTS_Y = {"flat": (66, 66, 66, 66, 66), "high": (68, 70, 68, 56, 52), "low": (64, 62, 64, 76, 80)}
_DOTS_X = (26, 38, 50, 62, 74)


def _normalise(variation: str, improvement: str | None) -> str:
    """Re-read a special cause's type from its side under the measure's current direction,
    so an icon follows a direction edited after the snapshot was computed."""
    if variation == "common_cause" or improvement not in ("increase", "decrease", "neither"):
        return variation
    side = variation.rsplit("_", 1)[1]
    if improvement == "neither":
        return f"neither_{side}"
    better = "high" if improvement == "increase" else "low"
    return f"{'improvement' if side == better else 'concern'}_{side}"


def variation_label(variation: str | None, improvement: str | None = None) -> str:
    if variation is None:
        return NO_VARIATION_LABEL
    if variation not in _VARIATION:
        raise ValueError(f"unknown variation {variation!r}")
    return VARIATION_LABELS[_normalise(variation, improvement)]


def assurance_label(assurance: str | None) -> str:
    if assurance is None:
        return NO_ASSURANCE_LABEL
    if assurance not in _ASSURANCE:
        raise ValueError(f"unknown assurance {assurance!r}")
    return ASSURANCE_LABELS[assurance]


def _svg(kind: str, key: str, label: str, colour: str, body: str, size: int, uid) -> str:
    title_id = escape(f"mdc-{kind}-{key}-{next(_ids) if uid is None else uid}", quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="{int(size)}" '
        f'height="{int(size)}" role="img" aria-labelledby="{title_id}" focusable="false" '
        f'class="mdc-icon mdc-{kind} mdc-{kind}-{escape(key, quote=True)}">'
        f'<title id="{title_id}">{escape(label)}</title>'
        f'<circle cx="50" cy="50" r="44" fill="#ffffff" stroke="{colour}" stroke-width="7"/>'
        f"{body}</svg>"
    )


def _letter(letter: str, colour: str) -> str:
    if not letter:
        return ""
    return (
        f'<text x="50" y="45" text-anchor="middle" font-family="Arial, sans-serif" '
        f'font-weight="700" font-size="34" fill="{colour}">{escape(letter)}</text>'
    )


def variation_icon_svg(
    variation: str | None, improvement: str | None = None, *, size: int = 48, uid=None
) -> str:
    """The variation icon for an engine ``variation`` value; "" for None.

    ``improvement`` (increase | decrease | neither), when given, re-reads the type of a special
    cause from its side, so the icon follows the measure's current direction. ``uid`` makes
    the ``<title>`` id deterministic; by default each call gets a fresh one.
    """
    if variation is None:
        return ""
    key, label, colour, body = _variation_parts(variation, improvement)
    return _svg("variation", key, label, colour, body, size, uid)


@functools.lru_cache(maxsize=64)
def _variation_parts(variation: str, improvement: str | None) -> tuple[str, str, str, str]:
    # Only a dozen distinct icons exist: their bodies are built once per process. The <title>
    # id stays fresh per call (_svg), so a page with many icons keeps its ids unique.
    label = variation_label(variation, improvement)
    key = _normalise(variation, improvement)
    colour, letter, pattern, _ = _VARIATION[key]
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="5" fill="{_GREY if n < 3 else colour}"/>'
        for n, (x, y) in enumerate(zip(_DOTS_X, _DOTS_Y[pattern], strict=True))
    )
    return key, label, colour, _letter(letter, colour) + dots


def assurance_icon_svg(assurance: str | None, *, size: int = 48, uid=None) -> str:
    """The assurance icon for an engine ``assurance`` value; "" for None."""
    if assurance is None:
        return ""
    label, colour, body = _assurance_parts(assurance)
    return _svg("assurance", assurance, label, colour, body, size, uid)


@functools.lru_cache(maxsize=16)
def _assurance_parts(assurance: str) -> tuple[str, str, str]:
    label = assurance_label(assurance)
    colour, letter, _ = _ASSURANCE[assurance]
    body = (
        _letter(letter, colour)
        + f'<line x1="14" y1="62" x2="86" y2="62" stroke="{colour}" stroke-width="4" '
        'stroke-dasharray="8 4"/>'
        + f'<path d="M20 74 q8 -10 15 0 t15 0 t15 0 t15 0" fill="none" stroke="{_GREY}" '
        'stroke-width="4"/>'
    )
    return label, colour, body


def icon_svg(key: str, *, size: int = 48, uid=None) -> str:
    """Either kind of icon by its key (the keys in ``LEGEND``)."""
    if key in _ASSURANCE:
        return assurance_icon_svg(key, size=size, uid=uid)
    return variation_icon_svg(key, size=size, uid=uid)
