"""The baseline for start-up: a minimal Textual app with one Static and five Buttons."""

from textual.app import App, ComposeResult
from textual.widgets import Button, Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Nine misconceptions about social media in business")
        for n in range(1, 6):
            yield Button(str(n))


if __name__ == "__main__":
    Minimal().run()
