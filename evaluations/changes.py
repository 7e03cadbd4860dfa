"""Who must hear, inside the same transaction, that forms changed: a small registry.

Apps above `evaluations` keep figures derived from forms (summaries: per unit and year). They
register a listener in their `AppConfig.ready()`; the services that change what those figures
read (create, a move, an import, the admin's direct edits) call `forms_changed` with the (unit,
year) of each form, before their transaction commits, so the figures change with the form or not
at all. A write outside the services (a shell, a data migration) must rebuild them itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable

Listener = Callable[[list[tuple[int, int]]], None]
_listeners: list[Listener] = []


def register(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def forms_changed(pairs: Iterable[tuple[int, int]]) -> None:
    """(unit id, year id) of each changed form; each listener hears every pair once, in order
    (one lock order for every transaction)."""
    keys = sorted(set(pairs))
    if not keys:
        return
    for listener in _listeners:
        listener(keys)
