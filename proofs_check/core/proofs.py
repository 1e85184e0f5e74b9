"""Proofs on one instance beside the verdicts (``gfcheck verify --prove``; ``docs/enclose.md``).

A verdict is evidence at finite precision.  A *proof part* is a statement about the problem at one
ladder scale (fixed data, fixed lambda) that a validated enclosure (:mod:`gfcheck.numeric.enclose`,
arb balls) establishes for the exact solution: an exit set, an order of events, the interval a
measured number lies in.  Its verdict is ``PROVED`` when the statement holds for every point of the
enclosure, ``NOT PROVED`` otherwise (the intervals straddle, the enclosure failed, the budget was
spent: the reason says which).  As for claims, every part has a negative twin (a perturbed
statement) that must come out ``NOT PROVED`` on the same enclosure; a part whose twin is proved too
could not fail and is reported ``NOT PROVED``.

>>> p = ProofPart.judged(claim="exit-times", part="exit set", scale="1e-6", holds=True,
...                      statement="exactly the pairs (0, 1) deactivate on [0, 13]", twin_holds=False,
...                      twin="the set without (0, 1)", evidence={"events": "1"})
>>> p.verdict, p.twin_verdict
('PROVED', 'NOT PROVED')
>>> ProofPart.judged(claim="c", part="p", scale="1e-6", holds=True, statement="s", twin_holds=True,
...                  twin="t").reason
'its twin was proved too: the check could not fail'
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PROOF_VERDICTS", "ProofPart", "not_attempted", "proofs_document", "proofs_markdown"]

PROOF_VERDICTS = ("PROVED", "NOT PROVED")


def _is_json_strings(v) -> bool:
    if isinstance(v, str):
        return True
    if isinstance(v, list):
        return all(_is_json_strings(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_json_strings(x) for k, x in v.items())
    return False


@dataclass(frozen=True)
class ProofPart:
    """One instance-level statement of a claim at one scale, with its verdict and its twin's.

    ``evidence`` holds decimal strings (intervals as ``[lo, hi]`` rounded outward, widths, the
    engine's value it was compared with); ``reason`` says why a part is ``NOT PROVED``.
    """

    claim: str
    part: str
    scale: str
    verdict: str
    statement: str
    twin: str
    twin_verdict: str
    reason: str = ""
    evidence: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("verdict", "twin_verdict"):
            if getattr(self, name) not in PROOF_VERDICTS:
                raise ValueError(f"ProofPart.{name}: one of {PROOF_VERDICTS}, found {getattr(self, name)!r}")
        if self.verdict == "PROVED" and self.twin_verdict == "PROVED":
            raise ValueError("ProofPart: a part whose twin is proved too cannot be PROVED (use judged)")
        if self.verdict == "NOT PROVED" and not self.reason:
            raise ValueError("ProofPart: a part that is NOT PROVED says why (reason)")
        if not _is_json_strings(self.evidence):
            raise ValueError("ProofPart.evidence: strings, lists and dicts of strings only")

    @classmethod
    def judged(cls, *, claim, part, scale, holds: bool, statement, twin_holds: bool, twin, reason="",
               evidence=None) -> "ProofPart":
        """The part from whether its statement and its twin's hold on the whole enclosure."""
        verdict = "PROVED" if holds and not twin_holds else "NOT PROVED"
        if holds and twin_holds:
            reason = "its twin was proved too: the check could not fail"
        elif not holds and not reason:
            reason = "the statement does not hold on the whole enclosure"
        return cls(claim=claim, part=part, scale=scale, verdict=verdict, statement=statement, twin=twin,
                   twin_verdict="PROVED" if twin_holds else "NOT PROVED", reason=reason if verdict != "PROVED" else "",
                   evidence=dict(evidence or {}))

    def to_json(self) -> dict:
        return {"claim": self.claim, "part": self.part, "scale": self.scale, "verdict": self.verdict,
                "statement": self.statement, "twin": self.twin, "twin_verdict": self.twin_verdict,
                "reason": self.reason, "evidence": self.evidence}


def not_attempted(claim: str, part: str, scale: str, statement: str, why: str) -> ProofPart:
    """A part the enclosure could not be run for (the budget, a failed enclosure): ``NOT PROVED``."""
    return ProofPart(claim=claim, part=part, scale=scale, verdict="NOT PROVED", statement=statement,
                     twin="-", twin_verdict="NOT PROVED", reason=why)


def proofs_document(parts, settings: dict) -> dict:
    """The ``proofs`` entry of report.json: the parts in order, their counts and the settings."""
    counts = {v: str(sum(p.verdict == v for p in parts)) for v in PROOF_VERDICTS}
    return {"parts": [p.to_json() for p in parts], "counts": counts, "settings": dict(settings)}


def proofs_markdown(parts, settings: dict) -> str:
    """The report's section on the proofs (one line per part; the evidence in report.json)."""
    proved = sum(p.verdict == "PROVED" for p in parts)
    out = ["## Proofs on this instance (`--prove`)", "",
           f"**{proved} of {len(parts)} parts proved.** Each part is a statement about this problem at one "
           "scale lambda, checked on a validated enclosure of the exact flow (arb balls; docs/enclose.md): "
           "PROVED means it holds for every point of the enclosure, NOT PROVED that it could not be shown "
           "(the reason says why). Each part's twin (a perturbed statement) must not be proved. "
           f"Settings: {'; '.join(f'{k}: {v}' for k, v in sorted(settings.items()))}.", ""]
    why = settings.get("stopped") or settings.get("skipped")
    if why:
        out += [f"*{why[0].upper()}{why[1:]}.*", ""]
    out += ["| claim | part | lambda | verdict | twin | statement / reason |", "|---|---|---|---|---|---|"]
    for p in parts:
        text = p.statement + (f" -- {p.reason}" if p.reason else "")
        out.append(f"| {p.claim} | {p.part} | {p.scale} | {p.verdict} | {p.twin_verdict} | "
                   f"{text.replace('|', chr(92) + '|')} |")
    return "\n".join(out) + "\n"
