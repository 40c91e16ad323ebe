"""Properties of the parsers every input goes through, over generated input (Hypothesis): the yuan
parser of the forms, the services' amount check, and the JSON body parsing of every request
schema. Whatever arrives, they give a value that reads back as itself, or raise the domain's
`Invalid`, never anything else; and JSON bodies are taken as they are, never coerced.

Bounded: about 150 examples per property (25 per request schema), no deadline."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from bidding.api import schemas as bidding_schemas
from bidding.questions import schemas as question_schemas
from market.api import schemas as market_schemas
from market.api.problems import parse_body
from market.validation import MAX_FEN, Checker, Invalid, Message, parse_yuan, yuan_text

PROPERTY = settings(max_examples=150, deadline=None)

#: Text shaped like amounts (digits, commas, a point, a sign, an exponent) and special words,
#: beside any text at all.
AMOUNTISH = st.one_of(
    st.text(),
    st.from_regex(
        r"[ \-+]?[0-9０-９,，]{0,24}([.．][0-9]{0,4})?([eE][+-]?[0-9]{1,4})? ?", fullmatch=True
    ),
    st.sampled_from(["inf", "-Infinity", "NaN", "sNaN", "1e999999999", "0x10", "1_000", "٣"]),
)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def refused_properly(exc: Invalid) -> bool:
    return bool(exc.errors) and all(
        isinstance(m, Message) and m.msgid for ms in exc.errors.values() for m in ms
    )


# --- amounts in yuan ---------------------------------------------------------------------------------


@PROPERTY
@given(AMOUNTISH)
def test_any_text_is_an_amount_that_reads_back_or_is_refused(text):
    try:
        fen = parse_yuan(text)
    except Invalid as exc:
        assert list(exc.errors) == [""] and refused_properly(exc)
        return
    if fen is None:
        assert not unicodedata.normalize("NFKC", text).strip()
        return
    assert isinstance(fen, int) and 0 <= fen <= MAX_FEN
    assert parse_yuan(yuan_text(fen)) == fen


@PROPERTY
@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_every_amount_shown_in_yuan_reads_back_exactly(fen):
    yuan, rest = divmod(fen, 100)
    for shown in (
        yuan_text(fen),
        f"{yuan}.{rest:02d}",
        f"{yuan:,}.{rest:02d}".translate(FULL_WIDTH),
    ):
        assert parse_yuan(shown) == fen


FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@PROPERTY
@given(st.decimals(min_value=0, max_value=Decimal(MAX_FEN) / 100, places=2))
def test_a_decimal_amount_is_exactly_its_fen(amount):
    assert parse_yuan(format(amount, "f")) == int(amount * 100)


@PROPERTY
@given(JSON_VALUES, st.integers(min_value=0, max_value=10**12), st.booleans())
def test_the_services_amount_check_takes_any_value(value, maximum, required):
    checker = Checker()
    amount = checker.money("price_fen", value, maximum=maximum, required=required)
    try:
        checker.raise_if_any()
    except Invalid as exc:
        assert list(exc.errors) == ["price_fen"] and refused_properly(exc)
        return
    assert amount is None or (type(amount) is int and 0 <= amount <= maximum)


# --- JSON bodies ----------------------------------------------------------------------------------------


def request_models() -> list[type[BaseModel]]:
    """Every request body model: the strict models of the three schema modules."""
    found = []
    for module in (market_schemas, bidding_schemas, question_schemas):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, (market_schemas.Strict, bidding_schemas.Strict))
                and value not in (market_schemas.Strict, bidding_schemas.Strict)
                and value not in found
            ):
                found.append(value)
    return found


MODELS = request_models()


def parsed(app, model: type[BaseModel], raw: str | bytes):
    with app.test_request_context(method="POST", data=raw, content_type="application/json"):
        return parse_body(model)


def bodies_for(model: type[BaseModel]):
    """Objects with the model's fields (any JSON value in each), sometimes a field too many, and
    any JSON value at all."""
    fields = st.fixed_dictionaries({}, optional={name: JSON_VALUES for name in model.model_fields})
    extra = st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=2)
    return st.one_of(fields, st.builds(lambda a, b: {**b, **a}, fields, extra), JSON_VALUES)


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, allow_nan=True)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_request_model_takes_a_body_as_it_is_or_refuses_it(app, model):
    assert len(MODELS) >= 20

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(bodies_for(model))
    def check(body):
        raw = json.dumps(body, allow_nan=True)
        try:
            result = parsed(app, model, raw)
        except Invalid as exc:
            assert refused_properly(exc)
            return
        assert isinstance(result, model)
        # Strict: what was sent is what was read, to the JSON type (true is no 1, 1.0 no 1).
        assert canonical(result.model_dump(exclude_unset=True)) == canonical(body)
        # And it reads back as itself.
        assert parsed(app, model, result.model_dump_json()) == result

    check()


@PROPERTY
@given(st.one_of(st.binary(max_size=64), st.text(max_size=64).map(str.encode)))
def test_any_bytes_are_a_body_or_refused(app, raw):
    try:
        parsed(app, market_schemas.LoginIn, raw)
    except Invalid as exc:
        assert refused_properly(exc)
