"""HL7 v2 segments read by field position and tables read by their column headers (0.7.0).

Every message, dump and table below was made up for this file.
"""

from __future__ import annotations

from report_deid import Scrubber
from report_deid.hl7_fields import hl7_fields
from report_deid.table_columns import COLUMN_TYPES, table_columns

MESSAGE = (
    "MSH|^~\\&|RADSYS|WESTMARCH GENERAL|PACS|NORTHFIELD IMAGING|20250214093011||ORU^R01|MX77120|P|2.5\r"
    "EVN|R01|20250214093011|||CLERK7^Ysolde^\r"
    "PID|1||A0041877^^^WMG^MR~9876543210^^^NHS^NH||QUILLFEATHER^Odalys^Mae^^Ms||19470312|F|||"
    "12 Tanner Row^Flat 2^Hexworth^ON^K7L 3N6^CAN||(613)555-0142^PRN|||||ACC55012|555-20-1234\r"
    "PD1|||Brindle Lane Practice^^B81034|G7712^HALLORAN^Piers^^^DR\r"
    "PV1|1|O|XR2^ROOM 4^BED 1^WMG||||004412^VANTERPOOL^Cressida^^^^MD||||||||||||V9912001\r"
    "ORC|RE|ORD-1||||||||jpemberton||||||||||\r"
    "OBR|1|ORD-1|ACC-77|73562^XR KNEE 3 VIEWS|||20250214||||||||||||||||||F|||||||"
    "88120&ABERNATHY&Tobias\r"
    "OBX|1|TX|REP^Report||No fracture. Kellgren-Lawrence grade 2.||||||F"
)


def _found(text: str) -> dict[str, str]:
    return {text[d.start : d.end]: d.entity_type for d in hl7_fields(text)}


def test_hl7_fields_by_position() -> None:
    found = _found(MESSAGE)
    assert found["WESTMARCH GENERAL"] == "HOSPITAL"
    assert found["NORTHFIELD IMAGING"] == "HOSPITAL"
    assert found["CLERK7^Ysolde"] == "NAME"  # operator: a user id with letters joins the name
    assert found["A0041877"] == "MRN"
    assert found["WMG"] == "HOSPITAL"  # assigning authority of the record number
    assert "NHS" not in found  # a national scheme is no facility
    assert found["QUILLFEATHER^Odalys^Mae"] == "NAME"
    for part in ("12 Tanner Row", "Flat 2", "Hexworth", "K7L 3N6"):
        assert found[part] == "LOCATION"
    assert "ON" not in found  # a province is not PHI
    assert found["(613)555-0142"] == "PHONE"
    assert found["ACC55012"] == "ACCOUNT"
    assert found["555-20-1234"] == "SSN"
    assert found["Brindle Lane Practice"] == "HOSPITAL"
    # a code with one letter is an id, left out of the name
    assert found["HALLORAN^Piers"] == "NAME"
    assert found["XR2^ROOM 4^BED 1"] == "LOCATION"
    assert found["VANTERPOOL^Cressida"] == "NAME"
    assert found["V9912001"] == "ID"
    assert found["jpemberton"] == "NAME"
    assert found["ABERNATHY&Tobias"] == "NAME"  # interpreter: ID&FAMILY&GIVEN sub-components
    assert not any("Kellgren" in value for value in found)


def test_hl7_needs_a_segment_at_a_line_start() -> None:
    assert hl7_fields("Findings: PID|1||A0041877 is not a message") == []
    assert hl7_fields("No pipes here at all.") == []


def test_hl7_message_scrubbed_end_to_end(scrubber: Scrubber) -> None:
    out = scrubber.scrub(MESSAGE).text
    for value in (
        "QUILLFEATHER",
        "Odalys",
        "Hexworth",
        "K7L 3N6",
        "VANTERPOOL",
        "jpemberton",
        "WMG",
    ):
        assert value not in out
    assert "Kellgren-Lawrence grade 2" in out


WORKLIST = (
    '"Accession","MRN","Surname","Forename","DOB","Exam","Location","Referrer","Status"\n'
    '"RX118804","K7720031","FROST","Will","03/02/1949","XR KNEE WB BILAT","Ward 6 Bay 2","Ng, P",'
    '"REPORTED"\n'
    '"RX118805","K7720032","ST. JOHN","Hope","17/08/1962","XR HIP LT","Fracture Clinic Room 3",'
    '"Mr R Idowu","UNREPORTED"\n'
    "\n"
    "Queue exported 14:02 by the RIS."
)


def test_table_values_by_column() -> None:
    found = {WORKLIST[d.start : d.end]: d.entity_type for d in table_columns(WORKLIST)}
    for name in ("FROST", "Will", "ST. JOHN", "Hope", "Ng, P", "Mr R Idowu"):
        assert found[name] == "NAME"
    assert found["K7720031"] == "MRN"
    assert found["RX118805"] == "ACCESSION"
    assert found["Fracture Clinic Room 3"] == "LOCATION"
    assert "REPORTED" not in found  # untyped columns
    assert "XR HIP LT" not in found
    assert "Queue exported 14:02 by the RIS." not in found  # the table ended at the blank line


def test_table_pipe_and_tab_separators() -> None:
    text = "time | user | name | action\n08:14 | rsalgado | Salgado, Renata | VIEW\n"
    found = {text[d.start : d.end] for d in table_columns(text)}
    assert {"rsalgado", "Salgado, Renata"} <= found
    tabbed = "Patient\tHospital No\tWard\nHoekstra, Sjoukje\t4410873\tLarch\n"
    found = {tabbed[d.start : d.end]: d.entity_type for d in table_columns(tabbed)}
    assert found == {"Hoekstra, Sjoukje": "NAME", "4410873": "MRN", "Larch": "LOCATION"}


def test_hl7_sub_components_and_authority_namespace() -> None:
    text = (
        "OBR|1"
        + "|" * 31
        + "1234&JONES&BOB^20260311^20260312^RAD\rPID|||88^^^CUH&1.2.3&ISO~9^^^NHS&2&ISO"
    )
    found = {text[d.start : d.end]: d.entity_type for d in hl7_fields(text)}
    assert found["JONES&BOB"] == "NAME"  # the dates after the sub-components stay out
    assert found["CUH"] == "HOSPITAL"
    assert "NHS" not in found


def test_prose_and_shifted_rows_are_no_table() -> None:
    prose = "Name, address, and phone were verified.\nLungs clear, heart normal, no effusion."
    assert table_columns(prose) == []
    assert table_columns("Patient, doctor, nurse.\nHe had pain, fever, cough.") == []
    # an unquoted comma in a value would shift the MRN column: the row is left to the other rules
    assert table_columns("Name,MRN,Exam\nSmith, John,K1234,XR HIP") == []
    markdown = "| Name | MRN | DOB |\n|---|---|---|\n| Ada Quux | K1 | 1/2/3 |"
    assert {markdown[d.start : d.end] for d in table_columns(markdown)} == {"Ada Quux", "K1"}


def test_no_table_without_a_typed_header() -> None:
    assert table_columns("a, b, c\n1, 2, 3\n") == []
    assert table_columns("Findings, as before, unchanged.\nSmith, Jones, Brown\n") == []
    assert COLUMN_TYPES["surname"] == "NAME"
    assert COLUMN_TYPES["accession number"] == "ACCESSION"
