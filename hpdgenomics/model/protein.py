"""Protein changes in one canonical form: one-letter HGVS with ``p.`` (``p.E17K``, ``p.Q37*``, ``p.K382fs``).

Annotators and databases write the same change many ways (``E17K``, ``p.Glu17Lys``, ``p.(Glu17Lys)``,
``ENSP…:p.Glu17Lys``, ``p.E17%3D``, bcftools ``17E>17K``). Rules compare canonical strings, so every reader
passes what it finds through :func:`parse_protein_change`. Frameshifts are reduced to ``p.K382fs``, the form
OncoKB and cBioPortal compare on, because the new reading frame's length differs between annotators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote

_THREE_TO_ONE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G", "His": "H",
    "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W",
    "Tyr": "Y", "Val": "V", "Sec": "U", "Pyl": "O", "Ter": "*",
}  # no Xaa/Asx/Glx: an unknown or ambiguous residue is no change a rule can match, and B/Z/X did not read back
_THREE_FOLD = {key.upper(): value for key, value in _THREE_TO_ONE.items()}
_ONE_LETTER = frozenset("ACDEFGHIKLMNPQRSTVWYUOX*")

# One residue (three-letter first so 'Glu' is not read as 'G'), a run of residues, a position.
_AA = r"(?:[A-Z][a-z]{2}|\*|[A-Z])"
_AAS = rf"(?:{_AA})+"
_POS = r"[1-9][0-9]*"

_SPLICE = re.compile(rf"^(?:X|{_AA})?(?P<pos>{_POS})_?splice$", re.IGNORECASE)
# bcftools csq writes the 20 standard residues and '*' for stop; other letters (X, B, Z, J, O, U) are refused so
# that a canonical text always parses back to itself (fuzzing found '17X' → p.X17=, which re-reads as p.X17*).
_BCSQ = re.compile(rf"^(?P<pos>{_POS})(?P<ref>[ACDEFGHIKLMNPQRSTVWY*]+)"
                   rf"(?:>(?P<pos2>{_POS})(?P<alt>[ACDEFGHIKLMNPQRSTVWY*]*))?$")
_SUBSTITUTION = re.compile(rf"^(?P<ref>{_AA})(?P<pos>{_POS})(?P<alt>{_AA}|=|\?)$")
_FRAMESHIFT = re.compile(rf"^(?P<ref>{_AA})(?P<pos>{_POS})(?:{_AA})?fs(?:(?:\*|Ter|X)(?:{_POS}|\?)?)?$")
_RANGE = re.compile(
    rf"^(?P<ref>{_AA})(?P<pos>{_POS})(?:_(?P<ref2>{_AA})(?P<pos2>{_POS}))?"
    rf"(?P<op>delins|del|dup|ins)(?P<seq>{_AAS}|[0-9]+)?$"
)
_EXTENSION = re.compile(rf"^(?P<ref>\*|Ter|X)(?P<pos>{_POS})(?P<alt>{_AA})ext(?:\*|Ter|X)?(?:{_POS}|\?)?$")
_STOP_LOST = re.compile(rf"^(?P<ref>\*|Ter)(?P<pos>{_POS})(?P<alt>{_AA})$")


class ChangeKind(str, Enum):
    """What a protein change does, as far as the notation tells."""

    MISSENSE = "missense"
    SYNONYMOUS = "synonymous"
    NONSENSE = "nonsense"
    FRAMESHIFT = "frameshift"
    DELETION = "deletion"
    INSERTION = "insertion"
    DUPLICATION = "duplication"
    DELINS = "delins"
    START_LOST = "start_lost"
    EXTENSION = "extension"
    SPLICE = "splice"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ProteinChange:
    """A parsed protein change; ``text`` is its canonical one-letter form."""

    text: str
    kind: ChangeKind
    ref: str = ""
    start: int | None = None
    end: int | None = None
    alt: str = ""


def three_to_one(code: str) -> str | None:
    """'Glu' → 'E', 'Ter' → '*', one-letter codes unchanged; None when not an amino-acid code."""
    if len(code) == 1:
        return code.upper() if code.upper() in _ONE_LETTER else None
    return _THREE_FOLD.get(code.upper())


def normalise_protein_change(text: str | None) -> str | None:
    """The canonical form of ``text``, or None when it is not a protein change."""
    change = parse_protein_change(text)
    return change.text if change else None


def parse_protein_change(text: str | None) -> ProteinChange | None:
    """Parse any common notation of a protein change; None when ``text`` is empty or not one. Never raises."""
    if not isinstance(text, str):
        return None
    body = _strip(text)
    if body is None:
        return None
    if body in ("?", "0", "0?"):
        return ProteinChange("p.?", ChangeKind.UNKNOWN)
    for parse in (_splice, _bcsq, _extension, _frameshift, _substitution, _range):
        change = parse(body)
        if change is not None:
            return change
    return None


def _strip(text: str) -> str | None:
    """Remove an accession prefix, URL escapes, 'p.' and parentheses; None if nothing usable is left."""
    body = unquote(text.strip())
    if ":" in body:
        body = body.rsplit(":", 1)[1]
    body = body.strip()
    if body[:2].lower() == "p.":
        body = body[2:]
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    body = body.strip()
    if not body or body in (".", "-") or len(body) > 200:
        return None
    # Upper-case three-letter codes (GLU17LYS) are read like 'Glu17Lys'.
    if re.fullmatch(r"[A-Z]{3}[0-9]+[A-Z]{3}", body) and body[:3].upper() in _THREE_FOLD:
        body = body[:3].capitalize() + re.sub(r"[A-Z]{3}$", lambda m: m.group(0).capitalize(), body[3:])
    return body


def _one(code: str) -> str | None:
    return three_to_one(code)


def _residues(run: str) -> str | None:
    """'GluLeuArg' or 'ELR' → 'ELR'; None when any part is not an amino acid."""
    parts = re.findall(rf"{_AA}", run)
    if "".join(parts) != run:
        return None
    letters = [_one(part) for part in parts]
    return None if any(letter is None for letter in letters) else "".join(letters)  # type: ignore[arg-type]


def _splice(body: str) -> ProteinChange | None:
    match = _SPLICE.match(body)
    if not match:
        return None
    position = int(match.group("pos"))
    return ProteinChange(f"p.X{position}_splice", ChangeKind.SPLICE, "X", position, position)


def _substitution(body: str) -> ProteinChange | None:
    match = _SUBSTITUTION.match(body)
    if not match:
        return None
    ref, alt_text, position = _one(match.group("ref")), match.group("alt"), int(match.group("pos"))
    if ref is None:
        return None
    if alt_text == "?":
        if ref == "M" and position == 1:
            return ProteinChange("p.M1?", ChangeKind.START_LOST, "M", 1, 1)
        return None
    alt = ref if alt_text == "=" else _one(alt_text)
    if alt is None:
        return None
    if alt == "X" and len(alt_text) == 1:
        alt = "*"  # legacy 'R213X' means a stop codon
    if ref == "*" and alt != "*":
        return ProteinChange(f"p.*{position}{alt}", ChangeKind.EXTENSION, "*", position, position, alt)
    if alt == ref:
        return ProteinChange(f"p.{ref}{position}=", ChangeKind.SYNONYMOUS, ref, position, position, ref)
    if alt == "*":
        return ProteinChange(f"p.{ref}{position}*", ChangeKind.NONSENSE, ref, position, position, "*")
    kind = ChangeKind.START_LOST if ref == "M" and position == 1 else ChangeKind.MISSENSE
    return ProteinChange(f"p.{ref}{position}{alt}", kind, ref, position, position, alt)


def _frameshift(body: str) -> ProteinChange | None:
    match = _FRAMESHIFT.match(body)
    if not match:
        return None
    ref, position = _one(match.group("ref")), int(match.group("pos"))
    if ref is None:
        return None
    return ProteinChange(f"p.{ref}{position}fs", ChangeKind.FRAMESHIFT, ref, position, position)


def _extension(body: str) -> ProteinChange | None:
    match = _EXTENSION.match(body)
    if not match:
        return None
    alt, position = _one(match.group("alt")), int(match.group("pos"))
    if alt is None:
        return None
    return ProteinChange(f"p.*{position}{alt}ext*?", ChangeKind.EXTENSION, "*", position, position, alt)


_RANGE_KINDS = {"del": ChangeKind.DELETION, "dup": ChangeKind.DUPLICATION, "ins": ChangeKind.INSERTION,
                "delins": ChangeKind.DELINS}


def _range(body: str) -> ProteinChange | None:
    match = _RANGE.match(body)
    if not match:
        return None
    ref, start = _one(match.group("ref")), int(match.group("pos"))
    op, seq = match.group("op"), match.group("seq") or ""
    ref2 = _one(match.group("ref2")) if match.group("ref2") else None
    end = int(match.group("pos2")) if match.group("pos2") else start
    if ref is None or (match.group("ref2") and ref2 is None) or end < start:
        return None
    if op == "ins" and (not match.group("pos2") or end != start + 1):
        return None  # an insertion sits between two adjacent residues
    inserted = ""
    if op in ("ins", "delins"):
        if not seq or seq.isdigit():
            return None
        inserted = _residues(seq) or ""
        if not inserted:
            return None
    elif seq and not seq.isdigit() and _residues(seq) is None:
        return None  # legacy 'delELREA' lists the deleted residues: dropped, they are implied by the range
    span = f"{ref}{start}" + (f"_{ref2}{end}" if match.group("pos2") else "")
    return ProteinChange(f"p.{span}{op}{inserted}", _RANGE_KINDS[op], ref, start, end, inserted)


def _bcsq(body: str) -> ProteinChange | None:
    """bcftools csq amino-acid changes: ``17E>17K``, ``17E`` (synonymous), ``746ELREAP>746S`` (delins)."""
    match = _BCSQ.match(body)
    if not match:
        return None
    position, ref = int(match.group("pos")), match.group("ref")
    if match.group("pos2") is None:
        if len(ref) == 1:
            return ProteinChange(f"p.{ref}{position}=", ChangeKind.SYNONYMOUS, ref, position, position, ref)
        return None
    if int(match.group("pos2")) != position:
        return None
    alt = match.group("alt") or ""
    if len(ref) == 1 and len(alt) == 1:
        return _substitution(f"{ref}{position}{alt}")
    if alt and len(ref) > 1 and ref[0] == alt[0] and len(alt) == 1:
        # '746ELREA>746E': the first residue is kept, the rest deleted.
        first, last = position + 1, position + len(ref) - 1
        span = f"{ref[1]}{first}" + (f"_{ref[-1]}{last}" if last > first else "")
        return ProteinChange(f"p.{span}del", ChangeKind.DELETION, ref[1], first, last)
    if alt and len(ref) > 1 and "*" not in alt:
        end = position + len(ref) - 1
        return ProteinChange(f"p.{ref[0]}{position}_{ref[-1]}{end}delins{alt}", ChangeKind.DELINS, ref[0],
                             position, end, alt)
    return None
