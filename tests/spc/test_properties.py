"""Property tests of the engine (hypothesis): invariances, batch = one by one, only ValueError.

Scaling uses powers of two (and of four where a square root is taken), which floating point
performs exactly, so flags must be kept exactly; centre and limits are compared with a
tolerance all the same.
"""

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from metrics.spc import analyse, analyse_many

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
FLAG_KEYS = ("outside_limits", "shift", "trend", "two_of_three", "special_cause", "point_type")
LIMIT_KEYS = ("centre", "ucl", "lcl", "near_ucl", "near_lcl")
RATE = ("p", "pp", "u", "up")

measure = st.floats(-1000, 1000, allow_nan=False).map(lambda x: round(x, 2))
maybe_measure = st.one_of(measure, measure, measure, st.none())


def scaled(x, k):
    return None if x is None else x * k


def assert_close(a, b):
    if a is None or b is None:
        assert a is None and b is None
    else:
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def same_flags(a, b):
    for p, q in zip(a["points"], b["points"], strict=True):
        assert [p[k] for k in FLAG_KEYS] == [q[k] for k in FLAG_KEYS]
    assert a["variation"] == b["variation"]


MEASURES = st.lists(maybe_measure, max_size=40)


@st.composite
def phased(draw, values=MEASURES):
    vals = draw(values)
    n = len(vals)
    phases = None
    if n > 3 and draw(st.booleans()):
        phases = sorted(draw(st.sets(st.integers(1, n - 1), min_size=1, max_size=3)))
    first = phases[0] if phases else n
    freeze = draw(st.one_of(st.none(), st.integers(1, first))) if first else None
    return vals, phases, freeze


@SETTINGS
@given(phased(), st.sampled_from([0.25, 0.5, 2.0, 4.0, 8.0]), st.sampled_from(["run", "xmr"]),
       st.booleans())
def test_scaling_values_scales_centre_and_limits_and_keeps_flags(data, k, chart, screen):
    vals, phases, freeze = data
    a = analyse(vals, chart=chart, phases=phases, freeze=freeze, screen=screen).to_dict()
    b = analyse([scaled(v, k) for v in vals], chart=chart, phases=phases, freeze=freeze,
                screen=screen).to_dict()
    same_flags(a, b)
    for p, q in zip(a["points"], b["points"], strict=True):
        for key in LIMIT_KEYS:
            assert_close(scaled(p[key], k), q[key])


counts = st.lists(st.tuples(st.integers(0, 50), st.integers(1, 60)), max_size=30)


@SETTINGS
@given(counts, st.sampled_from([0.25, 4.0, 16.0]))
def test_laney_u_prime_scales_with_its_numerators(pairs, k):
    # ū, yᵢ scale by k; σᵢ by √k; z by √k; σz by √k; σᵢσz by k → limits scale by k.
    nums = [float(a) for a, _ in pairs]
    dens = [float(b) for _, b in pairs]
    a = analyse(nums, chart="up", denominators=dens).to_dict()
    b = analyse([x * k for x in nums], chart="up", denominators=dens).to_dict()
    same_flags(a, b)
    for p, q in zip(a["points"], b["points"], strict=True):
        for key in LIMIT_KEYS:
            assert_close(scaled(p[key], k), q[key])


@SETTINGS
@given(counts, st.sampled_from([4.0, 16.0]), st.sampled_from(["pp", "up"]))
def test_laney_charts_ignore_a_common_scale_of_numerators_and_denominators(pairs, k, chart):
    # y and the centre are unchanged; σᵢ shrinks by √k and σz grows by √k: limits unchanged.
    pairs = [(min(a, b), b) for a, b in pairs]
    nums = [float(a) for a, _ in pairs]
    dens = [float(b) for _, b in pairs]
    a = analyse(nums, chart=chart, denominators=dens).to_dict()
    b = analyse([x * k for x in nums], chart=chart, denominators=[d * k for d in dens]).to_dict()
    same_flags(a, b)
    for p, q in zip(a["points"], b["points"], strict=True):
        for key in LIMIT_KEYS:
            assert_close(p[key], q[key])


def near_a_boundary(result) -> bool:
    for p in result["points"]:
        if p["value"] is None:
            continue
        for key in LIMIT_KEYS:
            if p[key] is not None and abs(p["value"] - p[key]) < 1e-6:
                return True
    return False


@SETTINGS
@given(phased(st.lists(st.one_of(st.integers(-50, 50), st.none()), max_size=40)),
       st.integers(-1000, 1000))
def test_adding_a_constant_shifts_xmr_centre_and_limits_and_keeps_flags(data, c):
    vals, phases, freeze = data
    a = analyse(vals, phases=phases, freeze=freeze).to_dict()
    assume(not near_a_boundary(a))  # float rounding may move a point sitting on a line
    b = analyse([None if v is None else v + c for v in vals], phases=phases,
                freeze=freeze).to_dict()
    same_flags(a, b)
    for p, q in zip(a["points"], b["points"], strict=True):
        for key in LIMIT_KEYS:
            if p[key] is None:
                assert q[key] is None
            else:
                assert math.isclose(p[key] + c, q[key], rel_tol=1e-9, abs_tol=1e-7)


SWAP = {"improvement": "concern", "concern": "improvement"}
SWAP_ASSURANCE = {"pass": "fail", "fail": "pass", "hit_or_miss": "hit_or_miss", None: None}


def swap_variation(v):
    if v is None or "_" not in v or v.startswith(("neither", "common")):
        return v
    kind, side = v.split("_")
    return f"{SWAP[kind]}_{side}"


@SETTINGS
@given(phased(), st.sampled_from(["xmr", "run"]), st.one_of(st.none(), measure))
def test_reversing_improvement_swaps_improvement_and_concern(data, chart, target):
    vals, phases, freeze = data
    kw = {"chart": chart, "phases": phases, "freeze": freeze, "target": target}
    a = analyse(vals, improvement="increase", **kw).to_dict()
    b = analyse(vals, improvement="decrease", **kw).to_dict()
    assert [SWAP.get(p["point_type"], p["point_type"]) for p in a["points"]] == [
        p["point_type"] for p in b["points"]]
    assert swap_variation(a["variation"]) == b["variation"]
    assert SWAP_ASSURANCE[a["assurance"]] == b["assurance"]


@st.composite
def series_spec(draw):
    chart = draw(st.sampled_from(["run", "xmr", "xmr", "xmr", "c", "p", "pp", "u", "up", "t", "g"]))
    n = draw(st.sampled_from([0, 1, 2, 5, 12, 24, 24, 24, 40]))
    if chart in RATE:
        dens = [draw(st.integers(1, 30)) for _ in range(n)]
        vals = [draw(st.one_of(st.integers(0, d), st.none())) for d in dens]
        if chart in ("u", "up"):
            vals = [None if v is None else v * 2 for v in vals]
    elif chart in ("c", "g"):
        dens = None
        top = 20 if chart == "c" else 400  # counts; opportunities between events
        vals = [draw(st.one_of(st.integers(0, top), st.none())) for _ in range(n)]
    elif chart == "t":  # times between events: positive
        dens = None
        time = st.floats(0.01, 1e6, allow_nan=False)
        vals = [draw(st.one_of(time, st.none())) for _ in range(n)]
    else:
        dens = None
        vals = [draw(maybe_measure) for _ in range(n)]
    phases = None
    if n > 3 and draw(st.booleans()):
        phases = [n // 2]
    first = phases[0] if phases else n
    freeze = draw(st.one_of(st.none(), st.integers(1, first))) if first else None
    spec = {"values": vals, "chart": chart, "phases": phases, "freeze": freeze,
            "improvement": draw(st.sampled_from(["increase", "decrease", "neither"])),
            "target": draw(st.one_of(st.none(), measure)), "screen": draw(st.booleans())}
    if dens is not None:
        spec["denominators"] = dens
    return spec


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(series_spec(), max_size=12), st.integers(1, 6))
def test_analyse_many_equals_analyse_one_by_one(specs, copies):
    specs = specs * copies  # repeats make groups big enough for the numpy path
    assert [r.to_dict() for r in analyse_many(specs)] == [
        analyse(**s).to_dict() for s in specs]


@settings(max_examples=25, deadline=None)
@given(st.lists(maybe_measure, min_size=301, max_size=420), st.booleans())
def test_long_series_take_the_numpy_path_with_the_same_results(vals, screen):
    from metrics.spc.engine import analyse_inputs
    from metrics.spc.validation import validate

    inputs = validate(vals, "xmr", None, [150], 40, "increase", 3.0, screen)
    assert analyse(vals, phases=[150], freeze=40, target=3.0, screen=screen).to_dict() == \
        analyse_inputs(inputs).to_dict()


anything = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.floats(), st.text(max_size=3),
    st.lists(st.one_of(st.none(), st.integers(-5, 50), st.floats(), st.text(max_size=2)),
             max_size=8),
    st.just(np.array([1.0, np.nan])), st.just({"a": 1}),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 50), st.floats(), st.text(max_size=2),
                          st.booleans()), max_size=10),
       anything,
       st.one_of(st.sampled_from(["run", "xmr", "c", "p", "pp", "u", "up", "t", "g"]), anything),
       anything, anything, st.one_of(st.sampled_from(["increase", "decrease"]), anything),
       anything, anything)
def test_arbitrary_input_raises_nothing_but_value_error(values, dens, chart, phases, freeze,
                                                        improvement, target, screen):
    try:
        out = analyse(values, chart=chart, denominators=dens, phases=phases, freeze=freeze,
                      improvement=improvement, target=target, screen=screen).to_dict()
    except ValueError:
        return
    for p in out["points"]:
        for key in ("value", *LIMIT_KEYS):
            assert p[key] is None or math.isfinite(p[key])
