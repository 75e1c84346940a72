"""Size limits print one way in every message: 10, not 10.0; 0.5 stays (core.sizes.format_megabytes)."""

import pytest

from core.sizes import format_megabytes


@pytest.mark.parametrize(
    ("size", "text"),
    [(10 * 1024 * 1024, "10"), (4 * 1024 * 1024, "4"), (512 * 1024, "0.5"), (3 * 1024 * 1024 // 2, "1.5")],
)
def test_a_size_in_megabytes(size, text):
    assert format_megabytes(size) == text
