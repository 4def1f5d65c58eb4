"""Protein-change notations → one canonical one-letter form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hpdgenomics.model.protein import ChangeKind, parse_protein_change, three_to_one

CASES = [
    # missense, every spelling
    ("E17K", "p.E17K", ChangeKind.MISSENSE), ("p.E17K", "p.E17K", ChangeKind.MISSENSE),
    ("p.Glu17Lys", "p.E17K", ChangeKind.MISSENSE), ("p.(Glu17Lys)", "p.E17K", ChangeKind.MISSENSE),
    ("Glu17Lys", "p.E17K", ChangeKind.MISSENSE), ("GLU17LYS", "p.E17K", ChangeKind.MISSENSE),
    ("ENSP00000451828.1:p.Glu17Lys", "p.E17K", ChangeKind.MISSENSE),
    ("NP_005154.2:p.(Glu17Lys)", "p.E17K", ChangeKind.MISSENSE),
    # synonymous, including VEP's URL-escaped '='
    ("p.E17=", "p.E17=", ChangeKind.SYNONYMOUS), ("p.Glu17=", "p.E17=", ChangeKind.SYNONYMOUS),
    ("p.(Glu17=)", "p.E17=", ChangeKind.SYNONYMOUS), ("p.E17%3D", "p.E17=", ChangeKind.SYNONYMOUS),
    ("p.E17E", "p.E17=", ChangeKind.SYNONYMOUS),
    # nonsense
    ("p.R213*", "p.R213*", ChangeKind.NONSENSE), ("p.Arg213Ter", "p.R213*", ChangeKind.NONSENSE),
    ("p.R213X", "p.R213*", ChangeKind.NONSENSE), ("p.Arg213*", "p.R213*", ChangeKind.NONSENSE),
    # frameshift: the new frame's length is dropped
    ("p.K382fs", "p.K382fs", ChangeKind.FRAMESHIFT), ("p.Lys382AsnfsTer5", "p.K382fs", ChangeKind.FRAMESHIFT),
    ("p.K382Nfs*5", "p.K382fs", ChangeKind.FRAMESHIFT), ("p.K382fs*5", "p.K382fs", ChangeKind.FRAMESHIFT),
    ("p.(Lys382fs)", "p.K382fs", ChangeKind.FRAMESHIFT), ("p.K382NfsX5", "p.K382fs", ChangeKind.FRAMESHIFT),
    # in-frame
    ("p.E746_A750del", "p.E746_A750del", ChangeKind.DELETION),
    ("p.Glu746_Ala750del", "p.E746_A750del", ChangeKind.DELETION),
    ("p.E746_A750delELREA", "p.E746_A750del", ChangeKind.DELETION),
    ("p.E746del", "p.E746del", ChangeKind.DELETION),
    ("p.L747_P753delinsS", "p.L747_P753delinsS", ChangeKind.DELINS),
    ("p.Leu747_Pro753delinsSer", "p.L747_P753delinsS", ChangeKind.DELINS),
    ("p.E746delinsVP", "p.E746delinsVP", ChangeKind.DELINS),
    ("p.D770_N771insNPG", "p.D770_N771insNPG", ChangeKind.INSERTION),
    ("p.Asp770_Asn771insAsnProGly", "p.D770_N771insNPG", ChangeKind.INSERTION),
    ("p.A767_V769dup", "p.A767_V769dup", ChangeKind.DUPLICATION), ("p.V769dup", "p.V769dup", ChangeKind.DUPLICATION),
    # start, stop, splice, unknown
    ("p.M1?", "p.M1?", ChangeKind.START_LOST), ("p.Met1?", "p.M1?", ChangeKind.START_LOST),
    ("p.M1I", "p.M1I", ChangeKind.START_LOST),
    ("p.*757Lext*?", "p.*757Lext*?", ChangeKind.EXTENSION),
    ("p.Ter757LeuextTer?", "p.*757Lext*?", ChangeKind.EXTENSION),
    ("p.*757L", "p.*757L", ChangeKind.EXTENSION),
    ("X125_splice", "p.X125_splice", ChangeKind.SPLICE), ("p.X125_splice", "p.X125_splice", ChangeKind.SPLICE),
    ("p.?", "p.?", ChangeKind.UNKNOWN), ("p.(?)", "p.?", ChangeKind.UNKNOWN), ("p.0", "p.?", ChangeKind.UNKNOWN),
    # bcftools csq
    ("17E>17K", "p.E17K", ChangeKind.MISSENSE), ("17E", "p.E17=", ChangeKind.SYNONYMOUS),
    ("17Q>17*", "p.Q17*", ChangeKind.NONSENSE),
    ("746ELREA>746E", "p.L747_A750del", ChangeKind.DELETION),
    ("746ELREAP>746S", "p.E746_P751delinsS", ChangeKind.DELINS),
]


@pytest.mark.parametrize(("text", "canonical", "kind"), CASES)
def test_notations(text: str, canonical: str, kind: ChangeKind) -> None:
    change = parse_protein_change(text)
    assert change is not None
    assert (change.text, change.kind) == (canonical, kind)


def test_positions_and_residues() -> None:
    change = parse_protein_change("p.Glu746_Ala750del")
    assert change is not None and (change.ref, change.start, change.end) == ("E", 746, 750)
    change = parse_protein_change("p.D770_N771insNPG")
    assert change is not None and change.alt == "NPG"
    unknown = parse_protein_change("p.?")
    assert unknown is not None and unknown.start is None


@pytest.mark.parametrize("text", ["", " ", ".", "-", "foo", "p.", "17", "p.E17", "p.Xyz17Lys", "p.E17K_", None,
                                  "p.E750_A746del", "p.D770insNPG", "c.2573T>G"])
def test_not_protein_changes(text: str | None) -> None:
    assert parse_protein_change(text) is None


def test_three_to_one() -> None:
    assert three_to_one("Glu") == "E" and three_to_one("TER") == "*" and three_to_one("Sec") == "U"
    assert three_to_one("K") == "K" and three_to_one("Foo") is None and three_to_one("J") is None


@given(st.text(max_size=60))
def test_never_raises_on_any_text(text: str) -> None:
    change = parse_protein_change(text)
    assert change is None or change.text.startswith("p.")


AMINO = "ACDEFGHIKLMNPQRSTVWY"
THREE = {v: k for k, v in {"Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
                            "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
                            "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V"}.items()}


@given(st.sampled_from(AMINO), st.integers(min_value=2, max_value=40000), st.sampled_from(AMINO + "*"),
       st.booleans(), st.booleans())
def test_generated_substitutions_round_trip(ref: str, position: int, alt: str, three: bool, paren: bool) -> None:
    alt_text = ("Ter" if alt == "*" else THREE[alt]) if three else alt
    body = f"{THREE[ref] if three else ref}{position}{alt_text}"
    text = f"p.({body})" if paren else f"p.{body}"
    change = parse_protein_change(text)
    assert change is not None and change.start == position
    expected = f"p.{ref}{position}=" if ref == alt else f"p.{ref}{position}{alt}"
    assert change.text == expected
    again = parse_protein_change(change.text)
    assert again is not None and again.text == change.text  # canonical text is a fixed point
