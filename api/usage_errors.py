"""A mistyped command line told in Vietnamese — what is wrong, the usage line and where the help is — never as
a traceback. Typer (0.26 and later) parses with its own copy of Click, whose exceptions are not ``click``'s, and
words them in English."""
from __future__ import annotations

import re

from typer import rich_utils
from typer._click import decorators as cd
from typer._click import exceptions as cx
from typer._click import formatting as cf

# The help screens' frame, in the language of the rest of the interface.
rich_utils.ARGUMENTS_PANEL_TITLE = "Đối số"
rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
rich_utils.DEFAULT_STRING = "[mặc định: {}]"
rich_utils.ENVVAR_STRING = "[biến môi trường: {}]"
USAGE = "Cách dùng: "
rich_utils.OptionHighlighter.highlights.append(rf"(?P<usage>{USAGE})")
_write_usage = cf.HelpFormatter.write_usage
cf.HelpFormatter.write_usage = lambda self, prog, args="", prefix=None: _write_usage(  # type: ignore[method-assign]
    self, prog, args.replace("[OPTIONS]", "[TÙY CHỌN]").replace("COMMAND [ARGS]...", "LỆNH [ĐỐI SỐ]..."),
    USAGE if prefix is None else prefix)
_help_option = cd.help_option


def _help_option_in_vietnamese(names: list[str]):
    add = _help_option(names)

    def added(command):
        add(command)
        command.params[-1].help = "Xem hướng dẫn này rồi thoát."
        return command
    return added


cd.help_option = _help_option_in_vietnamese  # looked up when a command's help option is first made

_NO_COMMAND = re.compile(r"No such command '(?P<name>[^']*)'\.(?: Did you mean (?P<close>.*)\?)?")
_EXTRA = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)", re.S)
_COERCION = (("integer", "phải là một số nguyên"), ("number", "phải là một số"), ("float", "phải là một số"),
             ("bool", "phải là có hoặc không (yes/no)"), ("date", "phải là một ngày"))


def _hint(exc: cx.BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if isinstance(hint, list | tuple) else str(hint)
    return exc.param.get_error_hint() if exc.param is not None else ""


_BOUND = re.compile(r"Input should be (greater|less) than( or equal to)? (?P<bound>\S+?)\.?")
_BOUND_VI = {("greater", False): "lớn hơn", ("greater", True): "lớn hơn hoặc bằng", ("less", False): "nhỏ hơn",
             ("less", True): "nhỏ hơn hoặc bằng"}


def _reason(message: str) -> str:
    """Our own checks already speak Vietnamese; Typer's type conversions and bounds do not."""
    if m := _BOUND.fullmatch(message):
        return f"phải {_BOUND_VI[m.group(1), bool(m.group(2))]} {m['bound']}"
    if message.isascii():
        lowered = message.lower()
        for word, vietnamese in _COERCION:
            if f"valid {word}" in lowered:
                return vietnamese
    return message


def explain(exc: cx.UsageError) -> str:
    """The Vietnamese sentence for a usage error."""
    if isinstance(exc, cx.MissingParameter):
        kind = "tùy chọn" if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "option" else "đối số"
        return f"Thiếu {kind} {_hint(exc)}.".replace("  ", " ")
    if isinstance(exc, cx.BadParameter):
        hint = _hint(exc)
        return f"Giá trị không hợp lệ{f' cho {hint}' if hint else ''}: {_reason(exc.message)}."
    if isinstance(exc, cx.NoSuchOption):
        close = f" Có phải ý bạn là: {', '.join(sorted(exc.possibilities))}?" if exc.possibilities else ""
        return f"Không có tùy chọn {exc.option_name}.{close}"
    if isinstance(exc, cx.BadOptionUsage) and "requires an argument" in exc.message:
        return f"Tùy chọn {exc.option_name} cần một giá trị."
    if m := _NO_COMMAND.fullmatch(exc.message):
        close = f" Có phải ý bạn là: {m['close']}?" if m["close"] else ""
        return f"Không có lệnh «{m['name']}».{close}"
    if m := _EXTRA.fullmatch(exc.message):
        return f"Thừa đối số: {m['args']}."
    return f"Lệnh chưa đúng: {exc.message}"


def show(exc: cx.UsageError, print_error) -> int:
    """Print ``exc`` for a person (``print_error`` writes to stderr) and return the exit code."""
    if isinstance(exc, cx.NoArgsIsHelpError):  # `sohoa` or `sohoa user` alone: the help is the answer
        print(exc.ctx.get_help())
        return 0
    if exc.ctx is not None:
        print_error(exc.ctx.get_usage(), markup=False)
        print_error(f"Xem thêm: {exc.ctx.command_path} --help", markup=False)
    print_error(f"[red]Lỗi: {explain(exc)}")
    return exc.exit_code
