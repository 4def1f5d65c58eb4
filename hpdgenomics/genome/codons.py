"""The standard genetic code, reverse complements, and protein changes written from codon windows.

Protein changes come out in the project's canonical one-letter form (see :mod:`hpdgenomics.model.protein`):
``p.V600E``, ``p.Q37*``, ``p.E17=``, ``p.K382fs``, ``p.E746_A750del``, ``p.A767_V769dup``, ``p.D770_N771insG``,
``p.L747_T751delinsP``, ``p.M1?``, ``p.*1211Qext*?``. Deletions, insertions and duplications are moved to their most
C-terminal equivalent position (the HGVS 3' rule applied to the protein sequence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE: dict[str, str] = {
    a + b + c: _AMINO[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES) for j, b in enumerate(_BASES) for k, c in enumerate(_BASES)
}
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def reverse_complement(bases: str) -> str:
    """Reverse complement of a DNA string (N stays N)."""
    return bases.translate(_COMPLEMENT)[::-1]


def translate(bases: str) -> str:
    """Translate whole codons (a trailing partial codon is ignored); a codon with N or another symbol gives X."""
    return "".join(CODON_TABLE.get(bases[i:i + 3].upper(), "X") for i in range(0, len(bases) - len(bases) % 3, 3))


@dataclass(frozen=True, slots=True)
class ProteinEffect:
    """What an in-frame or frameshift change does to the protein: SO terms (most severe first) and ``p.``."""

    terms: tuple[str, ...]
    protein_change: str | None


def inframe_effect(
    residue: Callable[[int], str], n_residues: int, first: int, ref_aa: str, alt_aa: str, nucleotide_term: str,
    extension: Callable[[int], str],
) -> ProteinEffect:
    """The effect of replacing residues ``ref_aa`` (starting at 0-based residue ``first``) by ``alt_aa``.

    ``residue(i)`` is reference residue *i* (0-based) and ``n_residues`` the number of codons including the stop;
    ``nucleotide_term`` is the SO term the DNA change alone gives (missense_variant for same-length changes,
    inframe_deletion/inframe_insertion/protein_altering_variant otherwise); ``extension(i)`` is the residue the
    variant sequence codes at residue *i*, read on into the 3' UTR (for lost stop codons).
    """
    stop_new = alt_aa.find("*")
    stop_ref = ref_aa.find("*")
    if stop_new >= 0 and (stop_ref < 0 or stop_new < stop_ref):
        return _stop_gained(residue, first, ref_aa, alt_aa[:stop_new + 1], nucleotide_term)
    prefix = _common_prefix(ref_aa, alt_aa)
    suffix = _common_suffix(ref_aa[prefix:], alt_aa[prefix:])
    ref_mid, alt_mid = ref_aa[prefix:len(ref_aa) - suffix], alt_aa[prefix:len(alt_aa) - suffix]
    at = first + prefix
    if not ref_mid and not alt_mid:
        return _silent(residue, first, ref_aa)
    if at == 0 and ref_mid:
        return ProteinEffect(("start_lost",), "p.M1?")
    if "*" in ref_mid:
        stop = first + ref_aa.index("*")
        new = extension(stop)
        if new == "*":
            return ProteinEffect(("stop_retained_variant",), f"p.*{stop + 1}=")
        return ProteinEffect(("stop_lost",), f"p.*{stop + 1}{new}ext*?")
    if len(ref_mid) == 1 and len(alt_mid) == 1:
        return ProteinEffect(("missense_variant",), f"p.{ref_mid}{at + 1}{alt_mid}")
    if not alt_mid:
        start, end = _shift_deletion(residue, n_residues, at, at + len(ref_mid))
        return ProteinEffect((nucleotide_term,), f"p.{_span(residue, start, end)}del")
    if not ref_mid:
        return ProteinEffect((nucleotide_term,), _insertion(residue, n_residues, at, alt_mid))
    return ProteinEffect((nucleotide_term,), f"p.{_span(residue, at, at + len(ref_mid))}delins{alt_mid}")


def frameshift_effect(residue: Callable[[int], str], n_residues: int, first: int,
                      variant_residue: Callable[[int], str]) -> ProteinEffect:
    """A frameshift named at the first residue that changes (``p.K382fs``); ``first`` is the first codon touched."""
    for index in range(first, n_residues):
        ref, alt = residue(index), variant_residue(index)
        if ref != alt:
            if index == 0:
                return ProteinEffect(("frameshift_variant", "start_lost"), "p.M1?")
            terms = ("frameshift_variant", "stop_lost") if ref == "*" else ("frameshift_variant",)
            return ProteinEffect(terms, f"p.{ref}{index + 1}fs")
        if ref == "*":  # the new frame reaches a stop exactly where the old one was: the protein is unchanged
            return ProteinEffect(("frameshift_variant", "stop_retained_variant"), f"p.*{index + 1}=")
    return ProteinEffect(("frameshift_variant",), None)


def _stop_gained(residue: Callable[[int], str], first: int, ref_aa: str, alt_aa: str, term: str) -> ProteinEffect:
    prefix = _common_prefix(ref_aa, alt_aa)
    at = first + prefix
    terms = ("stop_gained",) if term == "missense_variant" else ("stop_gained", term)
    if at == 0:
        return ProteinEffect(("start_lost", *terms), "p.M1?")
    inserted = alt_aa[prefix:]
    if prefix < len(ref_aa) and inserted == "*":
        return ProteinEffect(terms, f"p.{ref_aa[prefix]}{at + 1}*")
    replaced = ref_aa[prefix:prefix + len(inserted)]
    if not replaced:
        return ProteinEffect(terms, f"p.{residue(at - 1)}{at}_{residue(at)}{at + 1}ins{inserted}")
    return ProteinEffect(terms, f"p.{_span(residue, at, at + len(replaced))}delins{inserted}")


def _silent(residue: Callable[[int], str], first: int, ref_aa: str) -> ProteinEffect:
    aa = ref_aa[0] if ref_aa else residue(first)
    if aa == "*":
        return ProteinEffect(("stop_retained_variant",), f"p.*{first + 1}=")
    term = "start_retained_variant" if first == 0 else "synonymous_variant"
    return ProteinEffect((term,), f"p.{aa}{first + 1}=")


def _insertion(residue: Callable[[int], str], n_residues: int, at: int, inserted: str) -> str:
    """Insert ``inserted`` before 0-based residue ``at``: shifted 3', written as a duplication where it is one."""
    while at < n_residues - 1 and residue(at) == inserted[0]:
        inserted, at = inserted[1:] + inserted[0], at + 1
    size = len(inserted)
    if at >= size and all(residue(at - size + i) == inserted[i] for i in range(size)):
        return f"p.{_span(residue, at - size, at)}dup"
    if at == 0:
        return "p.M1?"
    return f"p.{residue(at - 1)}{at}_{residue(at)}{at + 1}ins{inserted}"


def _shift_deletion(residue: Callable[[int], str], n_residues: int, start: int, end: int) -> tuple[int, int]:
    """Move a deletion of residues [start, end) as far C-terminal as the sequence allows (not into the stop)."""
    while end < n_residues - 1 and residue(start) == residue(end):
        start, end = start + 1, end + 1
    return start, end


def _span(residue: Callable[[int], str], start: int, end: int) -> str:
    """'E746' or 'E746_A750' for 0-based residues [start, end)."""
    first = f"{residue(start)}{start + 1}"
    return first if end - start == 1 else f"{first}_{residue(end - 1)}{end}"


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n
