"""Small registries this app owns and apps above it fill in their `AppConfig.ready()`, so a
form page can show what those apps know without `evaluations` importing them.

* `form_notes`: sentences shown on a form's read-only page (the 结果应用 decision taken on the
  same project a year earlier, from `followup`).
"""

from __future__ import annotations

from collections.abc import Callable

_FORM_NOTES: list[Callable[[object], list[str]]] = []


def register_form_notes(provider: Callable[[object], list[str]]) -> Callable:
    """Add `provider(evaluation) -> [sentence, …]`; registering the same one twice adds it once."""
    if provider not in _FORM_NOTES:
        _FORM_NOTES.append(provider)
    return provider


def form_notes(evaluation) -> list[str]:
    return [note for provider in _FORM_NOTES for note in provider(evaluation)]
