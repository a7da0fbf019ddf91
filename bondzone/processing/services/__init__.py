"""Writes of processing trade, by subject: BOMs, production reports, stock-takes, write-offs."""

from .boms import declare_bom, decide_bom
from .production import report_production
from .stocktakes import take_stock
from .writeoffs import request_writeoff, run_queued, run_writeoff

__all__ = ["decide_bom", "declare_bom", "report_production", "request_writeoff", "run_queued", "run_writeoff",
           "take_stock"]
