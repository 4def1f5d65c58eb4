"""CopyNumberCall allele-specific fields: absent from the report unless assessed, present when a caller gave them."""

from hpdgenomics.model.alterations import CopyNumberCall, CopyNumberState
from hpdgenomics.report.build import _copy_number


def test_not_assessed_keeps_the_report_row_unchanged() -> None:
    row = _copy_number(CopyNumberCall(gene="STK11", state=CopyNumberState.LOSS, copy_number=1.0))
    assert "minor_copy_number" not in row and "loh" not in row


def test_assessed_allele_state_reaches_the_report_row() -> None:
    call = CopyNumberCall(gene="STK11", state=CopyNumberState.NEUTRAL, copy_number=2.0, minor_copy_number=0.0, loh=True)
    row = _copy_number(call)
    assert row["minor_copy_number"] == 0.0 and row["loh"] is True
