"""A section as stored against its current draft: kept as typed, or today's draft; stale when
the figures it was written against changed."""

from __future__ import annotations

from dataclasses import dataclass

from .figures import Draft, SectionDef


@dataclass(frozen=True)
class Stored:
    """A section as saved: the text as typed, the draft it was written against, that draft's
    fingerprint."""

    text: str
    draft_text: str
    fingerprint: str


@dataclass(frozen=True)
class SectionState:
    definition: SectionDef
    text: str  # what the report holds now
    draft: Draft  # drafted from today's figures
    edited: bool  # the preparer's own words (text differs from the draft it was written against)
    stale: bool  # edited, and the figures changed since: the new draft is offered beside it

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def empty(self) -> bool:
        return not self.text.strip()


STALE_LABEL = "过时：数据已变化"


def section_state(definition: SectionDef, draft: Draft, stored: Stored | None) -> SectionState:
    """Untouched (never saved, or saved as drafted): today's draft — so it follows every change
    of the figures. Edited: kept as typed; stale when the figures it was written against changed."""
    if stored is None or stored.text == stored.draft_text:
        return SectionState(definition, draft.text, draft, edited=False, stale=False)
    stale = stored.fingerprint != draft.fingerprint and stored.draft_text != draft.text
    return SectionState(definition, stored.text, draft, edited=True, stale=stale)


def normalise_text(text: str) -> str:
    """Line ends as \\n, trailing blanks of each line and blank lines at either end removed."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")
