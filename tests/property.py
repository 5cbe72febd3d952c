"""What the property-based tests (``test_property_*.py``) share: their budget and the hostile
values they draw from.

Budgets are small on purpose: the whole property suite runs in well under a minute, so CI's
15 minutes are safe. ``HYPOTHESIS_EXAMPLES=1000`` runs each property longer by hand.
"""

import os
from urllib.parse import quote, quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SCALE = int(os.environ.get("HYPOTHESIS_EXAMPLES", "0")) or None


def budget(examples: int) -> settings:
    """``examples`` per property (unless scaled up), no per-example deadline on a shared
    machine, no example database left in the checkout."""
    return settings(
        max_examples=SCALE or examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# Any character, surrogates included (Hypothesis leaves them out unless asked).
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())
# ... and since they are 2,048 code points among a million, a lone one in words, often.
LONE_SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
any_text = st.one_of(
    st.text(ANY_CHARACTER, max_size=60),
    st.tuples(st.text(max_size=8), LONE_SURROGATE, st.text(max_size=8)).map("".join),
)
# Text as a browser can send it: any character that UTF-8 can encode.
sendable_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)

# JSON values of every kind, nested, with any unicode (and lone surrogates) in their strings.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
)
any_json = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=8,
)


def query_value(samples: list[str]) -> st.SearchStrategy[str]:
    """A percent-encoded query-string value: a plausible one, any text, or any bytes (not
    UTF-8, NUL, a half character)."""
    return st.one_of(
        st.sampled_from(samples).map(quote),
        sendable_text.map(lambda s: quote(s, safe="")),
        st.binary(max_size=24).map(lambda b: quote_from_bytes(b, safe="")),
        st.sampled_from(["%", "%zz", "%ED%A0%80", "%00", "+", "&", "=", "%C0%AE%C0%AE"]),
    )


def query_string(parameters: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """A query string naming some of ``parameters`` (each with hostile values), possibly
    repeated, in any order."""
    pair = st.sampled_from(sorted(parameters)).flatmap(
        lambda name: query_value(parameters[name]).map(lambda value: f"{name}={value}")
    )
    return st.lists(pair, max_size=6).map("&".join)
