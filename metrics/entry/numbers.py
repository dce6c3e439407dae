"""Numbers as people type or paste them: thousands separators, a percent sign, a minus sign from
Word. Pure (no Django): the entry forms and the import's reader read numbers by these same rules,
so a value typed in a box and the same value pasted from a spreadsheet mean the same thing."""

import re

GROUPED_NUMBER = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
PLAIN_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
EMPTY_MARKS = {"", "-", "–", "—", "n/a", "na", "null", "none"}


def parse_number(text: str) -> tuple[float | None, str | None]:
    """(number, None), (None, None) for an empty cell, or (None, why it is not a number).

    '1,234' and '1 234' are thousands; '12%' is 12 (the unit is the measure's). A comma that is
    not a thousands separator ('12,5') is refused rather than guessed."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if cleaned.lower() in EMPTY_MARKS:
        return None, None
    cleaned = cleaned.removesuffix("%")
    if GROUPED_NUMBER.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if PLAIN_NUMBER.match(cleaned):
        return float(cleaned) + 0.0, None  # + 0.0: "-0" is 0, not a negative zero
    if re.fullmatch(r"[-+]?\d+,\d+", cleaned):
        return None, f"“{text.strip()}” is not a number: use a point for decimals (12.5)."
    return None, f"“{shortened(text)}” is not a number."


def shortened(text: str, limit: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
