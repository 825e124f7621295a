"""A match run's parameters: one check, called by the API's serializer and by start_match_run."""

import pytest

from marketplace.errors import ValidationFailed
from matching import parameters


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (["x"], "An object is expected."),
        ({"color": "red"}, "Allowed keys: ['quota', 'top_k', 'weights']."),
        ({"weights": {"skills": "high"}}, "weights maps component names to whole numbers."),
        ({"weights": {"luck": 10}}, "Unknown score components: ['luck']"),
        ({"weights": {"skills": 5000}}, "Weights must be non-negative and add up to at most 1000."),
        ({"weights": {"skills": -1}}, "Weights must be non-negative and add up to at most 1000."),
        ({"top_k": 0}, "top_k is a whole number from 1 to 200."),
        ({"top_k": 201}, "top_k is a whole number from 1 to 200."),
        ({"quota": 51}, "quota is a whole number from 0 to 50."),
        ({"quota": "2"}, "quota is a whole number from 0 to 50."),
    ],
)
def test_refuses_parameters_out_of_bounds_naming_the_problem(given, message):
    with pytest.raises(ValidationFailed) as refused:
        parameters.check(given)

    assert (refused.value.field, str(refused.value.message)) == ("parameters", message)


def test_accepts_the_bounds_themselves_and_fills_in_the_defaults():
    given = {"weights": {"skills": 300}, "top_k": 200, "quota": 0}

    assert parameters.check(given) is given
    assert parameters.weights(given)["skills"] == 300
    assert parameters.weights({}) == parameters.DEFAULT_WEIGHTS
    assert (parameters.top_k({}), parameters.quota({}), parameters.quota(given)) == (30, None, 0)
