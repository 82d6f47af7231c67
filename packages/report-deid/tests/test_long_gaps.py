"""Very long blank gaps are masked past their first characters, one character for one (linear time)."""

from __future__ import annotations

from report_deid import Scrubber
from report_deid.text_forms import GAP_KEPT, fold


def test_long_gap_masked_same_length() -> None:
    text = "Dr Ann Lee" + " " * 5000 + "MRN 4471902"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded[10 : 10 + GAP_KEPT] == " " * GAP_KEPT
    assert set(folded[10 + GAP_KEPT : 5010]) == {"\0"}
    assert fold("a" + " " * GAP_KEPT + "b") == "a" + " " * GAP_KEPT + "b"


def test_phi_around_a_long_gap_still_found(scrubber: Scrubber) -> None:
    text = "Dr Ann Lee" + " " * 20000 + "MRN 4471902\n" + "\t" * 20000 + "called 555-201-9984"
    scrubbed = scrubber.scrub(text).text
    assert "Ann Lee" not in scrubbed
    assert "4471902" not in scrubbed
    assert "555-201-9984" not in scrubbed
    assert len(scrubbed) < len(text)  # placeholders, the gaps kept
