"""Writes to the account book. Each service checks the actor's permission, owns one durable
transaction (through core.idempotency for posting writes) unless it says `_in_transaction`, and
writes its audit row. Other apps call these names only (`bondzone.supervision.services.X`)."""

from .books import (
    CHANGEABLE_ITEM_FIELDS, add_item, book_info, change_item, create_book, item_info, items_of, set_processing_kind,
    share_items,
)
from .expiry import EXPIRY_DAYS, Expired, expire_reservations
from .amendments import CHANGEABLE, change_door_list, change_list
from .lists import (
    approve_list, correct_list, create_list, delete_list, insert_list, list_snapshot, reject_list, submit_list,
    withdraw_list,
)
from .reversal import cancel_list, reverse_list
from .postings import (
    PassageResult, PostingResult, pass_door_goods_in_transaction, pass_goods, pass_goods_in_transaction, post_document,
    post_document_in_transaction, post_reserved, void_reservations,
)

__all__ = [
    "CHANGEABLE", "CHANGEABLE_ITEM_FIELDS", "change_door_list", "EXPIRY_DAYS", "Expired", "PassageResult", "expire_reservations", "PostingResult", "add_item", "approve_list", "book_info", "cancel_list", "change_item",
    "change_list", "correct_list", "create_book", "item_info",
    "create_list", "delete_list", "insert_list", "items_of", "list_snapshot", "pass_door_goods_in_transaction", "pass_goods",
    "pass_goods_in_transaction", "post_document", "post_document_in_transaction", "post_reserved",
    "reject_list", "reverse_list", "set_processing_kind", "share_items", "submit_list", "void_reservations", "withdraw_list",
]
