"""A terminal progress bar for a batch: pages done / failed, rate and time left."""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn


class BarProgress:
    def __init__(self, console: Console, label: str) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} lỗi"),
            TextColumn("{task.fields[rate]}"),
            TextColumn("còn"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.label = label
        self.task: TaskID | None = None
        self.failed = 0

    def start(self, total: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task(self.label, total=total, failed=0, rate="")

    def page_done(self, ok: bool) -> None:
        self.failed += not ok
        task = self.progress.tasks[0]
        speed = task.speed or 0
        self.progress.update(self.task, advance=1, failed=self.failed, rate=f"{speed * 60:.1f} trang/phút")

    def close(self) -> None:
        self.progress.stop()
