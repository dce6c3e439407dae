"""Making Data Count special-cause rules, NHSRplotthedots 0.2 semantics (DESIGN §5).

- outside limits: strictly above the upper or below the lower limit;
- shift: 7+ consecutive points strictly on one side of the centre line (a point on the line
  or a missing point breaks the run); every point of the run is flagged;
- trend: 7+ consecutive points each strictly above (or below) the one before — 6 rises or
  falls; a tie or a missing point breaks it; every point is flagged;
- two of three: a point beyond its near (2σ) limit but not outside the limits, in a window of
  3 consecutive points holding at least 2 such points, all 3 strictly on the same side.

Each point also gets the direction of its special cause (+1 high, −1 low, 0 none) with the
priority outside > trend > two of three > shift: a trend point takes the trend's direction (a
point shared by a rising and a falling trend takes the later one, as NHSRplotthedots 0.2.2
does), the others their side of the centre line. Rules apply within a phase only.
"""

from __future__ import annotations

from operator import gt, lt

import numpy as np

SHIFT_POINTS = 7
TREND_RISES = 6
_RISES = b"\x01" * TREND_RISES  # in bytes(map(lt, ys, ys[1:])): 6 consecutive rises


def _long_runs(codes: list, min_len: int) -> list | None:
    """True where a code is inside a run of ≥ min_len equal non-zero codes (None: nowhere)."""
    out = None
    run = 0
    prev = 0
    for i, c in enumerate(codes):
        if c and c == prev:
            run += 1
            if run == min_len:
                if out is None:
                    out = [False] * len(codes)
                out[i - min_len + 1 : i + 1] = [True] * min_len
            elif run > min_len:
                out[i] = True
        else:
            run = 1
            prev = c
    return out


def phase_flags(ys, centre, ucl, lcl, nucl, nlcl, longest_run: int):
    """Rules for one phase with a centre line: (outside, shift, trend, two_of_three,
    direction) lists, or None when no point is a special cause.

    ``longest_run`` is the phase's Anhøj longest run. Most phases have no special cause, so
    a few C-level checks first rule that out where they can (:func:`_may_fire`) before the
    point-by-point rules run.
    """
    if not _may_fire(ys, ucl, lcl, nucl, nlcl, longest_run):
        return None
    flags = phase_rules(ys, centre, ucl, lcl, nucl, nlcl)
    return flags if any(map(any, flags[:4])) else None


def _may_fire(ys, ucl, lcl, nucl, nlcl, longest_run: int) -> bool:
    """False only when no rule can flag any point; True when unsure (gaps, varying limits).

    - shift: a run of 7 points on one side is also a run of the Anhøj analysis, which skips
      points on the line, so its longest run is at least as long;
    - trend: 6 rises in a row show as 6 consecutive 1s in bytes(map(lt, ys, ys[1:]));
    - outside and two of three: nothing beyond the near limits (lcl ≤ near lcl ≤ near ucl
      ≤ ucl) means neither; two of three needs two points beyond them.
    """
    if None in ys or isinstance(ucl, list) or longest_run >= SHIFT_POINTS:
        return True
    if ucl is not None and ys:
        low, high = min(ys), max(ys)
        if low < lcl or high > ucl:
            return True
        if (low < nlcl or high > nucl) and sum(1 for y in ys if y < nlcl or y > nucl) >= 2:
            return True
    nxt = ys[1:]
    return _RISES in bytes(map(lt, ys, nxt)) or _RISES in bytes(map(gt, ys, nxt))


def phase_rules(ys, centre, ucl, lcl, nucl, nlcl):
    """Rules for one phase: (outside, shift, trend, two_of_three, direction) lists.

    The limits are per-point lists (None where there is no limit) or, when constant over the
    phase, plain numbers (or None).
    """
    L = len(ys)
    false = [False] * L
    if centre is None:
        return false, false, false, false, [0] * L
    gaps = None in ys
    if gaps:
        side = [0 if y is None or y == centre else (1 if y > centre else -1) for y in ys]
    else:
        side = [1 if y > centre else (-1 if y < centre else 0) for y in ys]
    if ucl is None:
        outside = close = false
    elif not isinstance(ucl, list):
        if gaps:
            outside = [y is not None and (y > ucl or y < lcl) for y in ys]
            close = [y is not None and not o and (y > nucl or y < nlcl)
                     for y, o in zip(ys, outside, strict=True)]
        else:
            outside = [y > ucl or y < lcl for y in ys]
            close = [not o and (y > nucl or y < nlcl) for y, o in zip(ys, outside, strict=True)]
    else:
        outside, close = [False] * L, [False] * L
        for i, y in enumerate(ys):
            if y is None or ucl[i] is None:
                continue
            if y > ucl[i] or y < lcl[i]:
                outside[i] = True
            elif y > nucl[i] or y < nlcl[i]:
                close[i] = True
    shift = _long_runs(side, SHIFT_POINTS) if L >= SHIFT_POINTS else None
    steps = [0] * L  # steps[i]: direction of the move from point i-1 to point i
    for i in range(1, L):
        a, b = ys[i - 1], ys[i]
        if a is not None and b is not None and a != b:
            steps[i] = 1 if b > a else -1
    in_step = _long_runs(steps, TREND_RISES) if L > TREND_RISES else None
    trend = false
    if in_step is not None:
        trend = [in_step[i] or (i + 1 < L and in_step[i + 1]) for i in range(L)]
    two = false
    if sum(close) >= 2:
        two = [False] * L
        for j in range(L - 2):
            if close[j] + close[j + 1] + close[j + 2] >= 2 and abs(
                side[j] + side[j + 1] + side[j + 2]
            ) == 3:
                for i in (j, j + 1, j + 2):
                    if close[i]:
                        two[i] = True
    shift = shift or false
    direction = [0] * L
    if any(outside) or shift is not false or trend is not false or two is not false:
        for i in range(L):
            if outside[i] or (two[i] and not trend[i]) or (shift[i] and not trend[i]):
                direction[i] = side[i]
            elif trend[i]:
                direction[i] = steps[i + 1] if i + 1 < L and in_step[i + 1] else steps[i]
    return outside, shift, trend, two, direction


# --- numpy: one phase of many series -------------------------------------------------------


def _long_runs_2d(codes, min_len: int):
    R, L = codes.shape
    if L == 0:
        return np.zeros((R, 0), dtype=bool)
    starts = np.ones((R, L), dtype=bool)
    starts[:, 1:] = (codes[:, 1:] != codes[:, :-1]) | (codes[:, 1:] == 0)
    ids = np.cumsum(starts.ravel()) - 1
    lengths = np.bincount(ids)[ids].reshape(R, L)
    return (codes != 0) & (lengths >= min_len)


def phase_rules_2d(y, centre, ucl, lcl, nucl, nlcl):
    """numpy form of :func:`phase_rules`; limits broadcast against y (NaN = no limit)."""
    R, L = y.shape
    ucl, lcl, nucl, nlcl = (a[:, None] if a.ndim == 1 else a for a in (ucl, lcl, nucl, nlcl))
    with np.errstate(invalid="ignore"):
        side = np.sign(y - centre[:, None])
    side = np.nan_to_num(side, nan=0.0).astype(np.int8)
    with np.errstate(invalid="ignore"):
        outside = (y > ucl) | (y < lcl)
        close = ~outside & ((y > nucl) | (y < nlcl))
    shift = _long_runs_2d(side, SHIFT_POINTS)
    steps = np.zeros((R, L), dtype=np.int8)
    if L > 1:
        with np.errstate(invalid="ignore"):
            d = np.sign(y[:, 1:] - y[:, :-1])
        steps[:, 1:] = np.nan_to_num(d, nan=0.0).astype(np.int8)
    in_step = _long_runs_2d(steps, TREND_RISES)
    next_step = np.zeros((R, L), dtype=bool)
    next_step[:, :-1] = in_step[:, 1:]
    trend = in_step | next_step
    two = np.zeros((R, L), dtype=bool)
    if L >= 3:
        ci = close.astype(np.int8)
        win = ((ci[:, :-2] + ci[:, 1:-1] + ci[:, 2:]) >= 2) & (
            np.abs(side[:, :-2] + side[:, 1:-1] + side[:, 2:]) == 3
        )
        hit = np.zeros((R, L), dtype=bool)
        hit[:, : L - 2] |= win
        hit[:, 1 : L - 1] |= win
        hit[:, 2:] |= win
        two = close & hit
    later = np.zeros((R, L), dtype=np.int8)
    later[:, :-1] = steps[:, 1:]
    trend_dir = np.where(next_step, later, steps)
    trend &= ~np.isnan(centre)[:, None]  # no centre line, no analysis (as in phase_rules)
    direction = np.where(outside | ((two | shift) & ~trend), side, np.where(trend, trend_dir, 0))
    return outside, shift, trend, two, direction.astype(np.int8)
