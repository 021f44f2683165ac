"""Every key of the current screen, in the quiz's language, made from its bindings so it cannot drift."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button

from misquiz.core.catalogue import strings, t
from misquiz.tui.widgets.literal import Literal, literal

KEY_NAMES = {
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "question_mark": "?",
    "tab": "Tab",
    "ctrl+p": "Ctrl+P",
}
# keys whose names each language writes its own way (Entrée, Échap, Retour arrière)
NAMED_KEYS = {
    "backspace": "key_name_backspace",
    "enter": "key_name_enter",
    "escape": "key_name_escape",
    "space": "key_name_space",
    "pageup": "key_name_pageup",
    "pagedown": "key_name_pagedown",
    "home": "key_name_home",
}


def key_name(key: str, lang: str = "en") -> str:
    """A key as the keyboard of the language names it."""
    return t(lang, NAMED_KEYS[key]) if key in NAMED_KEYS else KEY_NAMES.get(key, key)


def help_rows(screen: Screen, lang: str = "en") -> list[tuple[str, str]]:
    """(keys, catalogue key of what they do) for every binding active on this screen, in the order met.

    A binding shows in help when its description is a catalogue key; every binding of ours has one.
    """
    rows: dict[str, list[str]] = {}
    for key, active in screen.active_bindings.items():
        what = active.binding.description
        if what in strings("en"):
            names = rows.setdefault(what, [])
            if key_name(key, lang) not in names:
                names.append(key_name(key, lang))
    return [(_keys(names), what) for what, names in rows.items()]


def _keys(names: list[str]) -> str:
    digits = [n for n in names if n.isdigit()]
    if len(digits) >= 3:
        return f"{min(digits)} – {max(digits)}"
    return " / ".join(names)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,question_mark", "dismiss", show=False)]

    def __init__(self, lang: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lang = lang
        self.rows = rows

    def compose(self) -> ComposeResult:
        lang = self.lang
        width = max((len(keys) for keys, _ in self.rows), default=0) + 2
        with Vertical(id="help-dialog", classes="dialog"):
            yield Literal(t(lang, "help_title"), classes="title")
            with VerticalScroll(id="help-keys"):
                for keys, what in self.rows:  # a row each, so that a long description wraps under itself
                    with Horizontal(classes="help-row"):
                        key = Literal(Text(keys, style="bold"), classes="help-key")
                        key.styles.width = width
                        yield key
                        yield Literal(t(lang, what), classes="help-what")
            yield Button(literal(t(lang, "close")), id="close", compact=True, variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss()
