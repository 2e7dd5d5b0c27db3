"""PII shapes a blind set will hold, written from the national numbering plans and the
standards rather than from any test set: `+CC` numbers of eighteen countries in the groupings
people use (spaces, dashes, dots, a "(0)" trunk prefix, "00" for "+"), national formats of
the configured regions, North American numbers with made-up codes, and IP / URL / IBAN /
card / email forms; with the look-alikes that must stay what they are (dates, versions,
order and meeting ids, coordinates, timestamps, SSNs, addresses in an inventory line)."""

from __future__ import annotations

import pytest
from linear import assert_linear

from llmops_cli.guardrails import pii_shapes
from llmops_cli.guardrails.pii import detector

# every region named in the issue: a look-alike must stay one even with all of them configured
ALL_REGIONS = (
    "US", "CA", "DE", "NL", "GB", "FR", "ES", "IT", "BE", "CH", "AT", "PL", "SE", "BR", "IN",
    "JP", "AU", "MX",
)  # fmt: skip


def found(text: str, regions: tuple[str, ...] = ("US",)) -> list[tuple[str, str]]:
    return [(f.entity, text[f.start : f.end]) for f in detector(regions).find(text)]


# -- phone numbers with a country code: found whatever the regions -----------------------------

INTERNATIONAL = [
    # DE: area codes of 2-5 digits after the trunk 0, mobiles 15x/16x/17x
    "+49 30 12345678", "+49 (0)30 12345678", "+49 (0) 30 1234 5678", "+49-30-12345678",
    "+49.30.12345678", "+49 151 23456789", "+49 1512 3456789", "+49 (30) 12345678",
    "0049 30 12345678",
    # NL: 06 mobiles, 020 Amsterdam
    "+31 20 123 4567", "+31 (0)20 123 4567", "+31 6 12345678", "+31 6-1234-5678",
    # GB
    "+44 20 7946 0958", "+44 (0)20 7946 0958", "+44 (0) 20 7946 0958", "+44 7700 900123",
    "+44 7911 123456", "+44 161 496 0000",
    # FR: pairs of digits
    "+33 1 23 45 67 89", "+33 (0)1 23 45 67 89", "+33 6 12 34 56 78", "+33.6.12.34.56.78",
    "+33-6-12-34-56-78",
    # ES, IT (the leading 0 of an Italian landline is part of the number), BE, CH, AT
    "+34 612 34 56 78", "+34 912 345 678", "+34 612-345-678", "+39 06 1234 5678",
    "+39 06 12345678", "+39 333 123 4567", "+39 02-1234-5678", "+32 2 123 45 67",
    "+32 470 12 34 56", "+32 (0)470 12 34 56", "+41 44 668 18 00", "+41 (0)44 668 18 00",
    "+41 79 123 45 67", "+43 1 234 5678", "+43 664 1234567", "+43 (0)664 123 4567",
    # PL, SE, BR, IN, JP, AU, MX
    "+48 12 345 67 89", "+48 512 345 678", "+48 512-345-678", "+46 8 123 456 78",
    "+46 70 123 45 67", "+46 (0)70-123 45 67", "+46 8-123 456 78", "+55 11 91234-5678",
    "+55 (11) 91234-5678", "+55 21 2345-6789", "+91 98765 43210", "+91-98765-43210",
    "+91 22 2345 6789", "+81 3-1234-5678", "+81 90-1234-5678", "+81 (0)3-1234-5678",
    "+81 3 1234 5678", "+61 2 9876 5432", "+61 412 345 678", "+61 (0)2 9876 5432",
    "+61 4 1234 5678", "+52 55 1234 5678", "+52 (55) 1234-5678",
    # US and CA
    "+1 (416) 555-0199", "+1 416 555 0199", "+1-416-555-0199", "+1.416.555.0199",
    "+14165550199", "+1 453 690 4497",
    # and a few more countries
    "+353 1 234 5678", "+351 912 345 678", "+45 12 34 56 78", "+47 412 34 567",
    "+358 40 123 4567", "+30 21 0123 4567", "+420 601 123 456", "+36 1 234 5678",
    "+90 532 123 45 67", "+7 912 345-67-89", "+86 138 0013 8000", "+82 10-1234-5678",
    "+65 8123 4567", "+27 82 123 4567", "+971 50 123 4567", "+972 50-123-4567",
]  # fmt: skip


@pytest.mark.parametrize("number", INTERNATIONAL)
def test_numbers_with_a_country_code(number: str) -> None:
    assert found(f"reach me on {number}, thanks") == [("PHONE_NUMBER", number)]


# -- national formats: found for the regions configured ----------------------------------------

NATIONAL = {
    "US": ["(415) 555-0132", "415-555-0132", "415.555.0132", "415 555 0132", "1-415-555-0132",
           "1 (415) 555-0132", "1 415 555 0132", "453 690 4497", "(453) 690-4497"],
    "CA": ["(416) 555-0199", "416-555-0199", "416 555 0199", "604.555.0100"],
    "DE": ["030 12345678", "030/12345678", "030-12345678", "0151 23456789", "0151/23456789",
           "0151-234 567 89", "(030) 1234 5678", "089 1234567", "0176 12345678"],
    "NL": ["020 123 4567", "020-1234567", "06 12345678", "06-12345678", "06 1234 5678",
           "010 123 45 67", "(020) 123 4567"],
    "GB": ["020 7946 0958", "07911 123456", "0161 496 0000", "(020) 7946 0958",
           "0113 496 0000"],
    "FR": ["01 23 45 67 89", "06 12 34 56 78", "01.23.45.67.89", "06-12-34-56-78"],
    "ES": ["612 34 56 78", "912 345 678", "612 345 678", "91 234 56 78"],
    "IT": ["06 1234 5678", "333 123 4567", "02 1234 5678", "333 1234567", "06-12345678"],
    "BE": ["02 234 56 78", "0470 12 34 56", "0470/12.34.56", "02/234.56.78"],
    "CH": ["044 668 18 00", "079 123 45 67", "044 668 1800"],
    "AT": ["01 234 5678", "0664 1234567", "0664 123 4567", "01/234 56 78"],
    "PL": ["12 345 67 89", "512 345 678", "512-345-678"],
    "SE": ["08-123 456 78", "070-123 45 67", "08 123 456 78", "070 123 45 67"],
    "BR": ["(11) 91234-5678", "(21) 2345-6789", "11 91234-5678", "(11) 9 1234-5678"],
    "IN": ["098765 43210", "98765 43210", "022 2345 6789"],
    "JP": ["03-1234-5678", "090-1234-5678", "(03) 1234-5678", "06-6123-4567"],
    "AU": ["(02) 9876 5432", "02 9876 5432", "0412 345 678", "1300 123 456"],
    "MX": ["55 1234 5678", "(55) 1234-5678", "33 1234 5678"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("region", "number"), [(r, n) for r, numbers in NATIONAL.items() for n in numbers]
)
def test_national_formats_of_the_configured_region(region: str, number: str) -> None:
    assert found(f"reach me on {number} tomorrow", (region,)) == [("PHONE_NUMBER", number)]


@pytest.mark.parametrize(
    ("region", "number"),
    [
        ("US", "+49 30 1234\u20135678"),  # an en dash
        ("US", "+1 415\u2011555\u20110132"),  # non-breaking hyphens
        ("US", "+33\u00a06\u00a012\u00a034\u00a056\u00a078"),  # no-break spaces
        ("US", "+33\u202f6\u202f12\u202f34\u202f56\u202f78"),  # French thin spaces
        ("FR", "06\u202f12\u202f34\u202f56\u202f78"),
        ("US", "+49\u2009151\u20092345\u20096789"),
        ("US", "453 690-4497"),
    ],
)
def test_typographic_separators(region: str, number: str) -> None:
    assert found(f"reach me on {number}, thanks", (region,)) == [("PHONE_NUMBER", number)]


def test_national_formats_need_their_region() -> None:
    assert found("reach me on 06 1234 5678 tomorrow") == []  # a Dutch mobile, region US
    assert found("reach me on 030 12345678 tomorrow") == []


# -- look-alikes: no phone, with every region configured ---------------------------------------

LOOKALIKES = [
    "order 2026-448812",
    "timestamp 1732147200",
    "on 2026-12-02 at 12:30:45",
    "at 2026-12-02T12:30:45Z",
    "date 11/20/2026, 02.12.2026 or 12/02/2026",
    "released 12.11.2024 at 14:30",
    "v1.2.3.4567 build",
    "version 10.12.2024.1, build 2024.11.05.1234",
    "coordinates 52.520008, 13.404954",
    "lat 40.7128 lon -74.0060",
    "order #4482-1934-7712",
    "invoice 2026/0012345",
    "ISBN 978-3-16-148410-0",
    "tracking 1Z999AA10123456784",
    "meeting ID 881 2044 7391",
    "price 1 234 567,89 EUR, total 12,345,678.90",
    "serial SN-2024-0099-1234",
    "ticket 4155550132",  # a valid San Francisco number as bare digits, no phone label
    "ref 0049 3012 3456 78",  # "00" and a valid German number, but 3012 is no area code
    "pages 120-135, 1998-2004",
    "file IMG_20241105_123456.jpg",
    "population 8 336 817 in 2020",
    "range 100000-200000",
    "PO 4500123456",
    "account 12345678 sort 12-34-56",
    "protocollo 28621, pratica 419171/2020",
    "Our policy number is POL-77-441-2093; renewal in August.",
    "timeout 30000 ms, retry 3 of 5, ids 1234567 8901234",
    "a group of digits on each side: 12 453 690 4497 and 453 690 4497 12",
]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_number_lookalikes_stay_no_phone_in_any_region(text: str) -> None:
    assert [v for kind, v in found(text, ALL_REGIONS) if kind == "PHONE_NUMBER"] == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("The tax preparer needs your SSN (680-08-6991) today.", "US_SSN", "680-08-6991"),
        ("Server inventory:\n02 172.31.72.68 db-primary", "IP_ADDRESS", "172.31.72.68"),
        ("Server inventory:\n01 75.7.99.250 web", "IP_ADDRESS", "75.7.99.250"),
    ],
)
def test_an_other_entity_is_not_read_as_a_phone(text: str, kind: str, value: str) -> None:
    assert found(text, ALL_REGIONS) == [(kind, value)]


@pytest.mark.parametrize(
    "unit", ["00", "0049 ", "453 690 ", "(0", "+49 (0)", "06 12 ", "1\u202f", "+1\u2013"]
)
def test_new_phone_shapes_scale_linearly(unit: str) -> None:
    """4x the hostile text costs about 4x the CPU (no wall-clock limit)."""
    n = 40_000 // len(unit)
    assert_linear(lambda k: pii_shapes.find_phones(unit * k, ("US", "DE", "NL")), n)


# -- the other pattern entities ----------------------------------------------------------------

OTHERS = {
    "IBAN_CODE": [
        "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19",
        "FR14 2004 1010 0505 0001 3M02 606", "ES91 2100 0418 4502 0005 1332",
        "IT60 X054 2811 1010 0000 0123 456", "NL91 ABNA 0417 1643 00", "BE68 5390 0754 7034",
        "CH93 0076 2011 6238 5295 7", "AT61 1904 3002 3457 3201",
        "PL61 1090 1014 0000 0712 1981 2874", "SE45 5000 0000 0583 9825 7466",
        "BR18 0036 0305 0000 1000 9795 493C 1", "NO93 8601 1117 947",
        "DK50 0040 0440 1162 43", "FI21 1234 5600 0007 85", "IE29 AIBK 9311 5212 3456 78",
        "PT50 0002 0123 1234 5678 9015 4", "LU28 0019 4006 4475 0000",
        "GR16 0110 1250 0000 0001 2300 695", "NL91-ABNA-0417-1643-00",
    ],
    "CREDIT_CARD": [
        "4111 1111 1111 1111", "4012888888881881", "5555 5555 5555 4444", "5105-1051-0510-5100",
        "2223 0031 2200 3222", "3782 822463 10005", "371449635398431", "6011 1111 1111 1117",
        "6011-0009-9013-9424", "3530 1113 3330 0000", "3056 930902 5904",
        "6200 0000 0000 0005", "4222222222222",
    ],
    "EMAIL_ADDRESS": [
        "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "user_name@example-mail.com",
        "JOHN.DOE@EXAMPLE.COM", "müller@beispiel.de", "info@quillnote.app",
        "a.b-c@mail.example.org",
    ],
    "URL": [
        "https://example.com/path?q=1#frag", "http://sub.domain.co.uk:8080/x",
        "www.example.org/page", "HTTPS://EXAMPLE.COM", "ftp://files.example.com/pub",
        "https://shop.example.de/produkt/123?farbe=blau&größe=m", "http://203.0.113.7:8080/admin",
        "https://[2001:db8::1]:8443/status", "www.beispiel.de",
    ],
    "IP_ADDRESS": [
        "8.8.8.8", "192.168.1.10", "10.0.0.0/24", "172.16.254.1",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8::1", "fe80::1ff:fe23:4567:890a",
        "fe80::1%eth0", "fd00::42", "::ffff:192.0.2.128",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "value"), [(k, v) for k, values in OTHERS.items() for v in values]
)
@pytest.mark.parametrize("frame", ["value: {}", "value ({}).", "{}", "{}: see above"])
def test_other_entities_in_their_common_forms(kind: str, value: str, frame: str) -> None:
    text = frame.format(value)
    assert found(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE89 3704 0044 0532 0130 01",  # check digits off by one
        "card 4111 1111 1111 1112",  # Luhn fails
        "ref 1234 5678 9012 3456",
        "icon@2x.png and logo@3x.webp",
        "follow @quillnote on X",
        "see config.yaml and user.login.ok",
        "e.g. v1.2.3.4 or 10.0.19045.2364",
        "address 999.1.1.1",
        "mac 00:1a:2b:3c:4d:5e",
        "ratio 1.2.3.4.5",
        "UUID 123e4567-e89b-12d3-a456-426614174000",
        "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "colour #ff8800",
        "price €1.234.567,00 and $1,234,567.89",
        "std::vector<int> and a::b::c",
    ],
)
def test_other_lookalikes_are_nothing(text: str) -> None:
    assert found(text) == []
