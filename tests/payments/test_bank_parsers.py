"""The CODA and CAMT.053 parsers: realistic statements read right, anything malformed refused with a clear message."""

import datetime
import re
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eloket.payments import references
from eloket.payments.bank import CAMT053, CODA, ParseError, camt, coda, detect_format, parse_statement
from eloket.payments.bank.common import ogm_digits, ogm_in_free_text

SAMPLES = Path(__file__).parent / "bank_files"
CODA_SAMPLE = SAMPLES / "statement_064.cod"
CAMT02_SAMPLE = SAMPLES / "statement_064_camt053_v02.xml"
CAMT08_SAMPLE = SAMPLES / "statement_065_camt053_v08.xml"
CITY_IBAN = "BE71096123456769"
MATCH, WRONG, UNKNOWN = "090000001565", "090000002777", "090000003989"


# --- building CODA files for the tests -------------------------------------------------------------------------------

def record(*fields: tuple[int, str]) -> str:
    """A 128-character CODA record from (0-based position, text) pairs; the rest is blank."""
    line = ""
    for start, value in fields:
        assert len(line) <= start, f"field at {start} overlaps the previous one"
        line = line.ljust(start) + value
    assert len(line) <= 128
    return line.ljust(128)


def coda_amount(amount) -> str:
    return f"{int(Decimal(amount) * 1000):015d}"


def movement_records(sequence: int, amount, *, credit=True, ogm="", text="", name="", iban="", detail=0,
                     transaction_type="0", globalisation="0", communication_type="101") -> list[str]:
    """A 2.1 record (and a 2.3 with the counterparty when given) dated 15 March 2024."""
    communication = ("1", f"{communication_type}{ogm}".ljust(53)) if ogm else ("0", text[:53].ljust(53))
    lines = [record((0, "21"), (2, f"{sequence:04d}"), (6, f"{detail:04d}"), (10, f"REF{sequence:04d}{detail:04d}".ljust(21)),
                    (31, "0" if credit else "1"), (32, coda_amount(amount)), (47, "150324"),
                    (53, f"{transaction_type}0150000"), (61, communication[0]), (62, communication[1]), (115, "150324"),
                    (121, "064"), (124, globalisation), (125, "1" if name or iban else "0"), (127, "0"))]
    if name or iban:
        lines.append(record((0, "23"), (2, f"{sequence:04d}"), (6, f"{detail:04d}"), (10, iban.ljust(34)), (44, "EUR"),
                            (47, name.ljust(35)), (127, "0")))
    return lines


def build_coda(movements: list[list[str]], *, old="1000.00", sequence="064", new=None, account=CITY_IBAN) -> bytes:
    """A whole CODA statement around the movement records; the new balance adds up unless given."""
    body = [line for group in movements for line in group]
    total = Decimal(old)
    for line in body:
        if line.startswith("21") and line[6:10] == "0000":
            total += (1 if line[31] == "0" else -1) * Decimal(int(line[32:47])) / 1000
    new_balance = Decimal(new) if new is not None else total
    lines = [
        record((0, "0"), (1, "0000"), (5, "150324"), (11, "096"), (14, "05"), (24, "0000012345"), (34, "STAD GENK"),
               (60, "GKCCBEBB"), (71, "00207500000"), (83, "00000"), (127, "2")),
        record((0, "1"), (1, "2"), (2, sequence), (5, account.ljust(34)), (39, "EUR"), (42, "0"), (43, coda_amount(old)),
               (58, "140324"), (64, "STAD GENK"), (125, sequence)),
        *body,
        record((0, "8"), (1, sequence), (4, account.ljust(34) + "EUR"), (41, "0" if new_balance >= 0 else "1"),
               (42, coda_amount(abs(new_balance))), (57, "150324"), (127, "0")),
        record((0, "9"), (16, f"{len(body) + 2:06d}"), (22, coda_amount(0)), (37, coda_amount(0)), (127, "2")),
    ]
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def sample_lines() -> list[str]:
    return CODA_SAMPLE.read_bytes().decode("latin-1").split("\r\n")[:-1]


def join(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def replace_at(line: str, start: int, value: str) -> str:
    return line[:start] + value + line[start + len(value):]


# --- the sample statements -------------------------------------------------------------------------------------------

def test_the_coda_sample_gives_its_identity_and_three_credits():
    statement = coda.parse(CODA_SAMPLE.read_bytes())

    assert statement.format == CODA
    assert (statement.account, statement.sequence, statement.date) == (CITY_IBAN, "064", datetime.date(2024, 3, 15))
    assert statement.identifier == "BE71096123456769/064/2024-03-15"
    assert statement.debit_count == 1
    assert [(m.line, m.amount, m.reference) for m in statement.credits] == [
        (3, Decimal("25.00"), MATCH), (6, Decimal("45.00"), WRONG), (8, Decimal("30.00"), UNKNOWN)]
    first, second, third = statement.credits
    assert first.booking_date == datetime.date(2024, 3, 15)
    assert (first.counterparty_name, first.counterparty_iban) == ("PEETERS ALICE", "BE41063012345610")
    assert (second.counterparty_name, second.counterparty_iban) == ("JANSSENS BOB", "BE02363098765440")
    assert third.counterparty_name == "LEMAÎTRE FRANÇOISE"  # ISO-8859-1, as Belgian banks write CODA
    assert all(m.free_text == "" for m in statement.credits)


def test_the_camt_001_02_sample_gives_the_same_credits_as_the_coda_file():
    statement = camt.parse(CAMT02_SAMPLE.read_bytes())
    same_day = coda.parse(CODA_SAMPLE.read_bytes())

    assert statement.format == CAMT053
    assert statement.identifier == "BE71096123456769/64/2024-064-BE71096123456769"
    assert (statement.account, statement.sequence, statement.date) == (CITY_IBAN, "64", datetime.date(2024, 3, 15))
    assert statement.debit_count == 1
    # +++090/0000/02777+++ and 090/0000/03989 in the structured field are read as their 12 digits.
    assert [(m.amount, m.reference, m.counterparty_iban, m.booking_date) for m in statement.credits] == [
        (m.amount, m.reference, m.counterparty_iban, m.booking_date) for m in same_day.credits]
    assert [m.counterparty_name for m in statement.credits] == ["Alice Peeters", "Bob Janssens", "Françoise Lemaître"]
    assert [m.line for m in statement.credits] == [1, 2, 3]


def test_the_camt_001_08_sample_reads_the_newer_layout_and_an_ogm_in_free_text():
    statement = camt.parse(CAMT08_SAMPLE.read_bytes())

    assert statement.identifier == "BE71096123456769/65/2024-065-BE71096123456769"
    assert statement.date == datetime.date(2024, 3, 18)
    assert statement.debit_count == 1  # the pending entry is not counted at all
    assert [(m.amount, m.reference) for m in statement.credits] == [
        (Decimal("25.00"), MATCH), (Decimal("45.00"), WRONG), (Decimal("30.00"), "")]
    paid_by_text, _wrong, without = statement.credits
    assert paid_by_text.free_text == "Duplicaat bewonerskaart +++090/0000/01565+++ dank u"
    assert paid_by_text.counterparty_name == "Alice Peeters"
    assert _wrong.booking_date == datetime.date(2024, 3, 18)  # from a BookgDt/DtTm
    # Twelve digits that happen to be an OGM, without the +++ around them, are not guessed to be one.
    assert without.free_text == "Parkeervergunning Stationsstraat 12, nummer 090000001565"


@pytest.mark.parametrize(("path", "expected"), [(CODA_SAMPLE, CODA), (CAMT02_SAMPLE, CAMT053), (CAMT08_SAMPLE, CAMT053)])
def test_the_format_is_recognised_from_the_content(path, expected):
    data = path.read_bytes()

    assert detect_format(data) == expected
    assert detect_format(b"\xef\xbb\xbf" + data) == expected
    assert parse_statement(data).format == expected


@pytest.mark.parametrize("data", [b"", b"Hello", b"%PDF-1.7\n", b"PK\x03\x04", b"\x00\x01", b"1 old balance first"])
def test_anything_else_is_neither_coda_nor_camt(data, english):
    with pytest.raises(ParseError, match="neither a CODA file nor a CAMT.053 statement"):
        parse_statement(data)


# --- CODA details ----------------------------------------------------------------------------------------------------

def test_coda_takes_an_ogm_written_between_plus_signs_in_free_communication():
    data = build_coda([
        movement_records(1, "25.00", text="Betaling +++090/0000/01565+++ dank u"),
        movement_records(2, "25.00", text="***090000001565***"),
        movement_records(3, "25.00", text="090000001565 zonder plustekens"),
        movement_records(4, "25.00", text="+++090/0000/01566+++ fout controlegetal"),
        movement_records(5, "25.00", text="+++090/0000/01565+++ en +++090/0000/02777+++"),
    ])

    credits = coda.parse(data).credits

    assert [m.reference for m in credits] == [MATCH, MATCH, "", "", ""]
    assert credits[2].free_text == "090000001565 zonder plustekens"


def test_coda_keeps_a_structured_communication_with_a_wrong_check_as_text_only():
    data = build_coda([movement_records(1, "25.00", ogm="090000001566")])

    (credit,) = coda.parse(data).credits

    assert credit.reference == ""
    assert credit.free_text == "090000001566"


def test_coda_reads_the_details_of_a_globalised_credit_instead_of_its_total():
    data = build_coda([
        movement_records(1, "75.00", text="GROUPING OF 2 VCS", transaction_type="2", globalisation="1"),
        movement_records(1, "25.00", ogm=MATCH, detail=1, transaction_type="6", name="PEETERS ALICE",
                         iban="BE41063012345610"),
        movement_records(1, "50.00", ogm=WRONG, detail=2, transaction_type="6"),
        movement_records(2, "10.00", credit=False, text="Kosten"),
    ])

    statement = coda.parse(data)

    assert [(m.amount, m.reference) for m in statement.credits] == [(Decimal("25.00"), MATCH), (Decimal("50.00"), WRONG)]
    assert statement.credits[0].counterparty_name == "PEETERS ALICE"
    assert statement.debit_count == 1


def test_coda_with_an_old_belgian_account_number_gives_its_iban():
    lines = sample_lines()
    lines[1] = replace_at(replace_at(lines[1], 1, "0"), 5, "096123456769 EUR".ljust(34))

    assert coda.parse(join(lines)).account == CITY_IBAN


def _shortened(lines):
    lines[2] = lines[2][:120]
    return lines


def _unknown_type(lines):
    lines[3] = "7" + lines[3][1:]
    return lines


def _unknown_subtype(lines):
    lines[3] = "25" + lines[3][2:]
    return lines


def _bad_booking_date(lines):
    lines[2] = replace_at(lines[2], 115, "320324")
    return lines


def _bad_amount(lines):
    lines[2] = replace_at(lines[2], 32, "0000000002500X0")
    return lines


def _bad_sign(lines):
    lines[2] = replace_at(lines[2], 31, "5")
    return lines


def _no_trailer(lines):
    return lines[:-1]


def _two_statements(lines):
    return lines + lines


def _altered_amount(lines):
    lines[2] = replace_at(lines[2], 32, coda_amount("2500.00"))
    return lines


def _version_one(lines):
    lines[0] = replace_at(lines[0], 127, "1")
    return lines


def _orphan_counterparty(lines):
    lines[4] = replace_at(lines[4], 2, "0009")
    return lines


def _dollars(lines):
    lines[1] = replace_at(lines[1], 39, "USD")
    return lines


def _movement_before_balance(lines):
    return [lines[0], lines[2], lines[1], *lines[3:]]


def _other_statement_number(lines):
    lines[11] = replace_at(lines[11], 1, "065")
    return lines


def _bad_iban(lines):
    lines[1] = replace_at(lines[1], 5, "BE00096123456769")
    return lines


@pytest.mark.parametrize(("mutate", "message"), [
    (_shortened, "line 3: A CODA record has 128 characters; this one has 120."),
    (_unknown_type, "line 4: Unknown record type “7”."),
    (_unknown_subtype, "line 4: Unknown record type “25”."),
    (_bad_booking_date, "line 3: “320324” is not a valid date (DDMMYY)."),
    (_bad_amount, "line 3: The amount “0000000002500X0” is not a number."),
    (_bad_sign, "line 3: The sign “5” must be 0 (credit) or 1 (debit)."),
    (_no_trailer, "The file ends before its trailer record: it is incomplete."),
    (_two_statements, "line 15: The file holds more than one statement; upload one statement per file."),
    (_altered_amount, "do not explain the change from the old balance"),
    (_version_one, "line 1: Only CODA version 2 is supported"),
    (_orphan_counterparty, "line 5: Record 2.3 does not continue the movement before it."),
    (_dollars, "Only euro accounts are supported"),
    (_movement_before_balance, "line 2: A movement record must come between the old and the new balance."),
    (_other_statement_number, "line 12: The new balance belongs to statement 065, not 064."),
    (_bad_iban, "line 2: “BE00096123456769” is not a valid IBAN."),
])
def test_malformed_coda_is_refused_with_the_line_and_the_reason(mutate, message, english):
    data = join(mutate(sample_lines()))

    with pytest.raises(ParseError) as refused:
        coda.parse(data)

    assert message in str(refused.value)


def test_a_coda_parse_error_names_the_line_apart_for_callers(english):
    lines = sample_lines()
    lines[2] = lines[2][:100]

    with pytest.raises(ParseError) as refused:
        coda.parse(join(lines))

    assert refused.value.where == "line 3"
    assert refused.value.detail == "A CODA record has 128 characters; this one has 100."


def test_coda_messages_are_translatable():
    """The messages go through gettext: in Dutch they are whatever the catalogue says, never an exception."""
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ParseError) as refused:
        coda.parse(b"0" * 10)
    assert str(refused.value)


# --- CAMT.053 details ------------------------------------------------------------------------------------------------

def camt_text(path=CAMT02_SAMPLE) -> str:
    return path.read_text(encoding="utf-8")


def one_entry_statement(remittance: str, *, amount="25.00", details="") -> bytes:
    """The .001.02 sample with its entries replaced by one credit carrying the given RmtInf (or TxDtls)."""
    text = camt_text()
    head, tail = text.index("<!-- 25.00"), text.index("</Stmt>")
    entry = f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
      <BookgDt><Dt>2024-03-15</Dt></BookgDt><NtryDtls>{details or f"<TxDtls><RmtInf>{remittance}</RmtInf></TxDtls>"}</NtryDtls>
    </Ntry>"""
    text = text[:head] + entry + text[tail:]
    closing = Decimal("1000.00") + Decimal(amount)
    text = text.replace("<Amt Ccy=\"EUR\">979.50</Amt>", f"<Amt Ccy=\"EUR\">{closing}</Amt>")
    return text.encode("utf-8")


@pytest.mark.parametrize(("remittance", "reference"), [
    ("<Strd><CdtrRefInf><Ref>090000001565</Ref></CdtrRefInf></Strd>", MATCH),
    ("<Strd><CdtrRefInf><Ref>+++090/0000/01565+++</Ref></CdtrRefInf></Strd>", MATCH),
    ("<Strd><CdtrRefInf><Ref>***090/0000/01565***</Ref></CdtrRefInf></Strd>", MATCH),
    ("<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>", ""),
    ("<Strd><CdtrRefInf><Ref>090000001566</Ref></CdtrRefInf></Strd>", ""),
    ("<Ustrd>+++090/0000/01565+++</Ustrd>", MATCH),
    ("<Ustrd>betaling 090/0000/01565</Ustrd>", ""),
    ("<Ustrd>+++090/0000/01565+++ of +++090/0000/02777+++</Ustrd>", ""),
    ("<Strd><CdtrRefInf><Ref>090000002777</Ref></CdtrRefInf></Strd><Ustrd>+++090/0000/01565+++</Ustrd>", WRONG),
    ("<Strd><CdtrRefInf><Ref>090000002777</Ref></CdtrRefInf></Strd>"
     "<Strd><CdtrRefInf><Ref>090000001565</Ref></CdtrRefInf></Strd>", ""),
])
def test_camt_reads_only_a_valid_ogm_as_the_reference(remittance, reference):
    (credit,) = camt.parse(one_entry_statement(remittance)).credits

    assert credit.reference == reference


def test_camt_splits_a_batch_entry_into_its_transactions():
    details = "".join(
        f"<TxDtls><AmtDtls><TxAmt><Amt Ccy=\"EUR\">{amount}</Amt></TxAmt></AmtDtls>"
        f"<RmtInf><Strd><CdtrRefInf><Ref>{ogm}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"
        for amount, ogm in (("25.00", MATCH), ("50.00", WRONG)))

    credits = camt.parse(one_entry_statement("", amount="75.00", details=details)).credits

    assert [(m.line, m.amount, m.reference) for m in credits] == [(1, Decimal("25.00"), MATCH), (2, Decimal("50.00"), WRONG)]


def test_camt_keeps_a_batch_it_cannot_split_as_one_credit_without_reference(english):
    details = "".join(f"<TxDtls><RmtInf><Ustrd>+++{ogm}+++</Ustrd></RmtInf></TxDtls>" for ogm in (MATCH, WRONG))

    (credit,) = camt.parse(one_entry_statement("", amount="75.00", details=details)).credits

    assert (credit.amount, credit.reference, credit.free_text) == (Decimal("75.00"), "", "Batch of 2 transfers")


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&lol2;</BkToCstmrStmt></Document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>&x;</BkToCstmrStmt></Document>"""


def _camt(old: str, new: str, count: int = 1, path=CAMT02_SAMPLE) -> bytes:
    text = camt_text(path)
    assert old in text, old
    return text.replace(old, new, count).encode("utf-8")


@pytest.mark.parametrize(("data", "message"), [
    (b"<Document><unclosed></Document>", "The file is not well-formed XML."),
    (BILLION_LAUGHS, "The file is not well-formed XML."),
    (EXTERNAL_ENTITY, "The file is not well-formed XML."),
    (b"<?xml version='1.0' encoding='klingon'?><Document/>", "The file is not well-formed XML."),
    (b"<Document/>", "This XML file is not a CAMT.053 statement (its root is Document)."),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"/>', "is not a CAMT.053 statement"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>', "is not a CAMT.053 statement"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.01"/>', "is not a CAMT.053 statement"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrDbtCdtNtfctn/></Document>',
     "not a bank-to-customer statement"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>',
     "The file holds no statement"),
])
def test_xml_that_is_not_a_camt_053_statement_is_refused(data, message, english):
    with pytest.raises(ParseError) as refused:
        camt.parse(data)

    assert message in str(refused.value)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('<Amt Ccy="EUR">25.00</Amt>\n        <CdtDbtInd>CRDT', '<Amt Ccy="EUR">25,00</Amt>\n        <CdtDbtInd>CRDT',
     "Stmt/Ntry[1]: “25,00” is not a valid amount."),
    ('<Amt Ccy="EUR">25.00</Amt>\n        <CdtDbtInd>CRDT', '<Amt Ccy="USD">25.00</Amt>\n        <CdtDbtInd>CRDT',
     "Stmt/Ntry[1]: Only euro amounts are supported; this one is in “USD”."),
    ('<Amt Ccy="EUR">25.00</Amt>\n        <CdtDbtInd>CRDT', '<Amt Ccy="EUR">25.001</Amt>\n        <CdtDbtInd>CRDT',
     "Stmt/Ntry[1]: The amount 25.001 has more than two decimals."),
    ("<BookgDt>\n          <Dt>2024-03-15</Dt>", "<BookgDt>\n          <Dt>15/03/2024</Dt>",
     "Stmt/Ntry[1]: “15/03/2024” is not a valid date."),
    ("<BookgDt>\n          <Dt>2024-03-15</Dt>", "<BookgDt>\n          <Dt>2024-02-30</Dt>",
     "Stmt/Ntry[1]: “2024-02-30” is not a valid date."),
    ("<CdtDbtInd>CRDT</CdtDbtInd>\n        <Sts>", "<CdtDbtInd>CREDIT</CdtDbtInd>\n        <Sts>",
     "Stmt/Ntry[1]: The credit/debit indicator “CREDIT” must be CRDT or DBIT."),
    ("<Sts>BOOK</Sts>", "<Sts>DONE</Sts>", "Stmt/Ntry[1]: Unknown entry status “DONE”."),
    ("<Id>2024-064-BE71096123456769</Id>", "<Id></Id>", "Stmt: The element Id is missing."),
    ("<IBAN>BE71096123456769</IBAN>", "<IBAN>BE00096123456769</IBAN>", "Stmt: The statement names no account"),
    ("<Ccy>EUR</Ccy>", "<Ccy>GBP</Ccy>", "Only euro accounts are supported"),
    ('<Amt Ccy="EUR">979.50</Amt>', '<Amt Ccy="EUR">997.50</Amt>', "do not explain the change from the opening balance"),
    ("</Stmt>", "</Stmt><Stmt><Id>2</Id></Stmt>", "The file holds more than one statement"),
])
def test_malformed_camt_is_refused_with_the_element_and_the_reason(old, new, message, english):
    with pytest.raises(ParseError) as refused:
        camt.parse(_camt(old, new))

    assert message in str(refused.value)


def test_a_missing_booking_date_is_refused(english):
    data = re.sub(rb"<BookgDt>\s*<Dt>2024-03-15</Dt>\s*</BookgDt>", b"", CAMT02_SAMPLE.read_bytes(), count=1)

    with pytest.raises(ParseError, match=r"Stmt/Ntry\[1\]: The element BookgDt is missing."):
        camt.parse(data)


def test_the_ogm_helpers_agree_with_the_references_module():
    for text in ("+++090/0000/01565+++", "090000001565", "***090/0000/01565***", "090 0000 01565", "090000001566", "",
                 "abc", "+++000/0000/00097+++"):
        assert ogm_digits(text) == (references.parse(text) or "")
    assert ogm_in_free_text("Betaling +++090 / 0000 / 01565+++.") == MATCH


# --- never anything but ParseError ------------------------------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_parse_errors(parser, data: bytes) -> None:
    try:
        parser(data)
    except ParseError as error:
        assert str(error)


@FUZZ
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_anything_but_parse_error(data):
    for parser in (coda.parse, camt.parse, parse_statement):
        _only_parse_errors(parser, data)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises_anything_but_parse_error(text):
    for parser in (coda.parse, camt.parse, parse_statement):
        _only_parse_errors(parser, text.encode("utf-8"))


@FUZZ
@given(st.data())
def test_coda_with_damaged_fields_never_raises_anything_but_parse_error(data):
    lines = sample_lines()
    for _round in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(lines) - 1))
        start = data.draw(st.integers(0, 127))
        length = data.draw(st.integers(1, 128 - start))
        junk = data.draw(st.text(alphabet=st.sampled_from("0123456789 +/-.12X\u00e9\x00"), min_size=length,
                                 max_size=length))
        lines[index] = lines[index][:start] + junk + lines[index][start + length:]
    if data.draw(st.booleans()):
        del lines[data.draw(st.integers(0, len(lines) - 1))]
    _only_parse_errors(coda.parse, join(lines))


@FUZZ
@given(st.data())
def test_camt_with_damaged_values_never_raises_anything_but_parse_error(data):
    path = data.draw(st.sampled_from([CAMT02_SAMPLE, CAMT08_SAMPLE]))
    text = camt_text(path)
    values = list(re.finditer(r">([^<>]*)<", text))
    for _round in range(data.draw(st.integers(1, 4))):
        match = data.draw(st.sampled_from(values))
        junk = escape(data.draw(st.text(max_size=30)))
        text = text[:match.start(1)] + junk + text[match.end(1):]
        values = list(re.finditer(r">([^<>]*)<", text))
    if data.draw(st.booleans()):
        tags = list(re.finditer(r"<(\w+)>", text))
        tag = data.draw(st.sampled_from(tags)).group(1)
        text = re.sub(rf"<{tag}>.*?</{tag}>", "", text, count=1, flags=re.S)
    _only_parse_errors(camt.parse, text.encode("utf-8"))
