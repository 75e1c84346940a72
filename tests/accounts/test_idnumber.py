import pytest
from django.core.exceptions import ValidationError

from core import idnumber

# A published GB 11643 example: 11010519491231002X (check digit X).
VALID_X = "11010519491231002X"


def test_valid_number_with_x_check_digit_passes_and_is_normalised():
    assert idnumber.validate(VALID_X.lower()) == VALID_X


def test_valid_numeric_check_digit():
    number = idnumber.complete("41120219880612002")
    assert number[-1].isdigit() or number[-1] == "X"
    assert idnumber.validate(number) == number


def test_check_digit_algorithm_matches_the_standard():
    assert idnumber.check_digit("11010519491231002") == "X"
    assert idnumber.check_digit("44052418800101001") == "4"


@pytest.mark.parametrize(
    ("number", "code", "fragment"),
    [
        ("110105194912310021", "check_digit", "校验位"),
        ("11010519491231002", "length", "18位"),
        ("1101051949123100211", "length", "18位"),
        ("11010519491331002X", "birth_date", "出生日期"),
        ("11010519490230002X", "birth_date", "出生日期"),
        ("1101051949123100A1", "format", "格式"),
        ("110105230001010023", "birth_date", "出生日期"),
    ],
)
def test_invalid_numbers_are_refused_with_chinese_message(number, code, fragment):
    with pytest.raises(ValidationError) as exc:
        idnumber.validate(number)
    assert exc.value.code == code
    assert fragment in exc.value.messages[0]


def test_mask_keeps_only_first_three_and_last_four():
    assert idnumber.mask(VALID_X) == "110***********002X"
    assert "19491231" not in idnumber.mask(VALID_X)
