"""Periods of a measure: days, weeks commencing Monday, or months (their first day).

Pure functions (no Django): align a date to its period, say what is wrong with a period, and
list the recent periods a data-entry grid offers.
"""

import datetime as dt

DAY, WEEK, MONTH = "day", "week", "month"
FREQUENCIES = (DAY, WEEK, MONTH)


def period_start(day: dt.date, frequency: str) -> dt.date:
    """The period that contains `day`."""
    if frequency == DAY:
        return day
    if frequency == WEEK:
        return day - dt.timedelta(days=day.weekday())
    if frequency == MONTH:
        return day.replace(day=1)
    raise ValueError(f"Unknown frequency {frequency!r}: use day, week or month.")


def period_problem(day: dt.date, frequency: str, today: dt.date) -> str | None:
    """Why this date cannot be a period of a measure of this frequency, or None."""
    if day > today:
        return f"{format_period(day, frequency)} is in the future."
    if period_start(day, frequency) != day:
        if frequency == WEEK:
            return (
                f"{day:%d/%m/%Y} is a {day:%A}: weekly measures are recorded by the week "
                f"commencing Monday ({period_start(day, WEEK):%d/%m/%Y})."
            )
        return (
            f"{day:%d/%m/%Y} is not the first of the month: monthly measures are recorded "
            f"by month (use {period_start(day, MONTH):%d/%m/%Y})."
        )
    return None


def previous_periods(frequency: str, today: dt.date, count: int) -> list[dt.date]:
    """The `count` most recent periods up to the current one, newest first."""
    current = period_start(today, frequency)
    periods = [current]
    while len(periods) < count:
        periods.append(step_back(periods[-1], frequency))
    return periods


def step_back(period: dt.date, frequency: str) -> dt.date:
    if frequency == DAY:
        return period - dt.timedelta(days=1)
    if frequency == WEEK:
        return period - dt.timedelta(weeks=1)
    return (period - dt.timedelta(days=1)).replace(day=1)


def format_period(day: dt.date, frequency: str) -> str:
    if frequency == WEEK:
        return f"week commencing {day.day} {day:%B %Y}"
    if frequency == MONTH:
        return f"{day:%B %Y}"
    return f"{day.day} {day:%B %Y}"


UNIT_WORDS = {DAY: "day", WEEK: "week", MONTH: "month"}


def missing_count(last: dt.date | None, frequency: str, today: dt.date) -> int:
    """How many complete periods have passed since the last one entered (the current period,
    still running, is not missing yet). 0 with nothing entered: there is no gap to speak of."""
    if last is None:
        return 0
    latest_complete = step_back(period_start(today, frequency), frequency)
    last = period_start(last, frequency)
    if frequency == MONTH:
        gap = (latest_complete.year - last.year) * 12 + latest_complete.month - last.month
    elif frequency == WEEK:
        gap = (latest_complete - last).days // 7
    else:
        gap = (latest_complete - last).days
    return max(gap, 0)


def missing_text(last: dt.date | None, frequency: str, today: dt.date) -> str:
    """E.g. "3 weeks missing: nothing entered after week commencing 10 November 2026";
    "" when nothing is missing."""
    n = missing_count(last, frequency, today)
    if not n:
        return ""
    unit = UNIT_WORDS[frequency] + ("s" if n != 1 else "")
    return f"{n} {unit} missing: nothing entered after {format_period(last, frequency)}"
