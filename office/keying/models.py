"""What the keying tables' values mean; the tables themselves are storage.keying_models."""
from __future__ import annotations

from storage.keying_models import Keying, KeyingBook, KeyingEntry

__all__ = ["EntryStatus", "Keying", "KeyingBook", "KeyingEntry", "KeyingMode"]


class KeyingMode:
    SINGLE = "single"  # one clerk keys, another reviews
    DOUBLE = "double"  # two clerks key blind, a third settles the fields they typed differently
    ALL = (SINGLE, DOUBLE)


class EntryStatus:
    OPEN = "open"  # waiting for its keyings
    REVIEW = "review"  # single keying: keyed, waiting for a second clerk's review
    ARBITRATION = "arbitration"  # double keying: the two keyings differ on some fields
    ACCEPTED = "accepted"  # published as a record
    DELETED = "deleted"  # not an entry after all (removed at the station)
