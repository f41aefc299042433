"""The audit job the scheduler runs: sealing pending events into the hash chain, off the hot path."""

from .chain import seal_all


def seal() -> int:
    """Seal pending audit events into the hash chain (``kaohe audit seal``); returns how many."""
    return seal_all()
