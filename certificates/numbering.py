"""Certificate numbers (证书编号): 17 characters, assigned once per person, never reused.

    RRRRRR YYYY NNNNNN C
    │      │    │      └ check character: ISO 7064 MOD 11-2 over the 16 digits (0–9 or X,
    │      │    │        the scheme of the resident ID number) — a mistyped digit is caught
    │      │    └ sequence within (issuing region, year of issue), from 000001
    │      └ year the certificate was first issued (Asia/Shanghai)
    └ GB/T 2260 code of the issuing bureau's region (the city, or the province)

e.g. 41120020260000013 for the first certificate the Sanmenxia bureau issued in 2026; printed
in groups, 411200-2026-000001-3. The number says where and when it was first issued, nothing
about the person; it stays the same when the person changes employer or city.
"""

from __future__ import annotations

from django.db import connection

from certificates.models import CertificateSequence

SEQUENCE_DIGITS = 6
LENGTH = 17


def check_character(digits: str) -> str:
    """ISO 7064 MOD 11-2 (as GB 11643 uses it for the ID number's last character)."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2 % 11
    return "0123456789X"[(12 - total) % 11]


def compose(region_code: str, year: int, sequence: int) -> str:
    body = f"{region_code}{year:04d}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + check_character(body)


def is_well_formed(number: str) -> bool:
    return len(number) == LENGTH and number[:-1].isdigit() and check_character(number[:-1]) == number[-1]


def normalise(raw: str) -> str:
    """As typed from paper: spaces and dashes dropped, x → X."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def display(number: str) -> str:
    return f"{number[:6]}-{number[6:10]}-{number[10:16]}-{number[16:]}" if len(number) == LENGTH else number


def next_sequence(region_code: str, year: int) -> int:
    """The next sequence number of (region, year): one INSERT … ON CONFLICT DO UPDATE …
    RETURNING, so two transactions never read the same value (the second waits for the
    first's row lock on PostgreSQL; SQLite serialises writers). Call it inside a transaction."""
    table = connection.ops.quote_name(CertificateSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (region_code, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (region_code, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [region_code, year],
        )
        (value,) = cursor.fetchone()
    if value >= 10**SEQUENCE_DIGITS:
        raise OverflowError("certificate sequence exhausted")
    return int(value)
