"""What the processing services share: the H book an actor may change."""

from __future__ import annotations

from bondzone.core.actor import Actor
from bondzone.core.domain.errors import DomainError, problem
from bondzone.supervision import selectors as books


def processing_book(actor: Actor, book_id: int):
    """The actor's H book (404 if it may not see it; a T book is refused: processing trade is H only)."""
    book = books.book(actor, book_id)
    if book.kind != "H":
        raise DomainError(problem("book_id", "book_not_processing", book=book.number))
    return book
