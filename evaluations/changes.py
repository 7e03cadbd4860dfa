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
_rebuilders: list[Callable[[int], None]] = []


def register(listener: Listener, *, rebuild: Callable[[int], None] | None = None) -> None:
    """`listener` hears changed (unit, year) pairs; `rebuild`, a year id whose figures must be
    derived anew from all its forms (a new year, a new deadline, forms loaded in bulk)."""
    if listener not in _listeners:
        _listeners.append(listener)
    if rebuild is not None and rebuild not in _rebuilders:
        _rebuilders.append(rebuild)


def year_changed(year_id: int) -> None:
    """A year was created, its deadline changed, or its forms were written in bulk."""
    for rebuild in _rebuilders:
        rebuild(year_id)


def forms_changed(pairs: Iterable[tuple[int, int]]) -> None:
    """(unit id, year id) of each changed form; each listener hears every pair once, in order
    (one lock order for every transaction)."""
    keys = sorted(set(pairs))
    if not keys:
        return
    for listener in _listeners:
        listener(keys)
