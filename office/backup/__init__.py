"""Backup and restore of an embedded installation (`sohoa backup`, `sohoa restore`); docs/backup.md."""
from .layout import BackupDamaged, BackupRefused
from .restore import restore
from .snapshot import backup

__all__ = ["BackupDamaged", "BackupRefused", "backup", "restore"]
