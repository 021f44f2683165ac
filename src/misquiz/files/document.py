"""Reading YAML (and JSON) that people wrote: safely, with every value's position.

Only libyaml's safe composer is used; no constructor ever runs on untrusted tags.
Values come back as plain Python data plus a map from each value's path to its
line and column, so later checks can say exactly where a problem is.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import yaml

from misquiz.core.catalogue import Explained
from misquiz.core.problems import Number, Problem, ProblemsError, explained

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader

# First characters of a plain scalar that YAML 1.1 may read as something other than text
# (numbers, booleans, null, dates, merge keys and the value key).
_MAYBE_NOT_TEXT = frozenset("-+.0123456789~nNyYtTfFoO<=")
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Loader(_Base):  # type: ignore[valid-type, misc]  # a base chosen at run time
    """The safe loader, with tag resolution cut short for text: most of a bank is text, and this is hot."""

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0] and (not value or value[0] in _MAYBE_NOT_TEXT):
                return str(super().resolve(kind, value, implicit))
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


KeyPath = tuple[str | int, ...]  # where a value is: ("myths", 0, "id")

MAX_DEPTH = 32
_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_SAFE_CONSTRUCT = {_YAML + t for t in ("int", "float", "bool", "null")}


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass
class Document:
    """Parsed data with the position of every value (and of every mapping key)."""

    file: str
    data: object
    marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    # Problems found while reading (duplicate keys, tags, aliases); the data is still usable
    # for further checks, except at the broken paths, which hold None.
    problems: list[Problem] = field(default_factory=list)
    broken: set[KeyPath] = field(default_factory=set)

    def is_broken(self, path: KeyPath) -> bool:
        return any(path[: len(b)] == b for b in self.broken)

    def problem(
        self, path: KeyPath, message: str | Explained, *, at_key: bool = False, severity: str = "error"
    ) -> Problem:
        """A problem at this path; a message that is a catalogue sentence (Explained) can be told in any language."""
        where = (self.key_marks.get(path) if at_key else None) or self.mark_of(path)
        said = message if isinstance(message, Explained) else None
        return Problem(self.file, where[0], where[1], format_path(path), str(message), severity, said)

    def mark_of(self, path: KeyPath) -> tuple[int, int]:
        # A missing value is reported where its nearest existing parent starts.
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_nodes: int
    max_text: int = 20_000  # characters in one value


BANK_LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_nodes=250_000, max_text=20_000)  # a 100x bank: ~90,000 values
ANSWERS_LIMITS = Limits(max_bytes=1024 * 1024, max_nodes=50_000, max_text=2_000)
MAX_ALIASES = 100  # none is allowed in our files; more than this many is a bomb, refused before anything is built


def read_document(path: str | os.PathLike[str], limits: Limits = BANK_LIMITS, *, partial: bool = False) -> Document:
    """Read one YAML or JSON document; raise ProblemsError with located problems.

    With partial=True, problems inside an otherwise readable document are returned in
    `Document.problems` instead, so that a checker can report them with everything else.
    """
    name = os.fspath(path)

    def fail(key: str, line: int | None = None, column: int | None = None, **values: object) -> ProblemsError:
        return ProblemsError([explained(name, line, column, "", Explained(key, **values))])

    if os.path.isdir(name):
        raise fail("file_is_folder")
    try:
        size = os.path.getsize(name)
        if size > limits.max_bytes:
            raise fail("file_too_large_size", size=Number(size / 1048576, 1), limit=Number(limits.max_bytes // 1048576))
        with open(name, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise fail("file_not_found") from None
    except PermissionError:
        raise fail("file_denied") from None
    except OSError as exc:
        raise fail("file_unreadable", reason=exc.strerror or exc) from None
    if len(raw) > limits.max_bytes:  # it grew after its size was read
        raise fail("file_too_large", limit=Number(limits.max_bytes // 1048576))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail("file_not_utf8", line, column, byte=f"0x{raw[exc.start]:02x}") from None
    if not text.strip():
        raise fail("file_empty")
    return parse_document(text, name, limits, partial=partial)


def parse_document(text: str, name: str, limits: Limits = BANK_LIMITS, *, partial: bool = False) -> Document:
    # Counted from the parser's events before anything is built, whatever the layout: a flow map of
    # one-character keys holds a value per character.
    count_values(text, name, limits)
    with no_gc():
        return _parse(text, name, partial)


@contextmanager
def no_gc() -> Iterator[None]:
    """Building many small objects triggers the cyclic GC again and again, for nothing: none are garbage yet."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(text: str, name: str, partial: bool) -> Document:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and message.startswith("but "):
            message = f"{exc.context}, {message}"
        at = mark.index if mark is not None and mark.index < len(text) else -1
        hint = _hint_key(f"{exc.context or ''} {message}" + (" \\t" if at >= 0 and text[at] == "\t" else ""))
        detail = Explained(_PARSER_WORDS[message]) if message in _PARSER_WORDS else message
        said = (
            Explained("file_not_yaml_hint", detail=detail, hint=_hint(hint))
            if hint
            else Explained("file_not_yaml", detail=detail)
        )
        raise ProblemsError([explained(name, line, column, "", said)]) from None
    except yaml.YAMLError as exc:
        raise ProblemsError([explained(name, None, None, "", Explained("file_not_yaml", detail=exc))]) from None
    if root is None:
        raise ProblemsError([explained(name, None, None, "", Explained("file_empty"))])
    doc = _Converter(name).run(root)
    if doc.problems and not partial:
        raise ProblemsError(doc.problems)
    return doc


# The parser's most frequent words, in each language (libyaml's own English in en.json, as it writes them).
_PARSER_WORDS = {
    "did not find expected node content": "file_yaml_no_value",
    "did not find expected key": "file_yaml_no_key",
    "did not find expected '-' indicator": "file_yaml_no_dash",
    "could not find expected ':'": "file_yaml_no_colon",
    "did not find expected ',' or ']'": "file_yaml_no_bracket",
    "did not find expected ',' or '}'": "file_yaml_no_brace",
    "mapping values are not allowed in this context": "file_yaml_mapping_here",
    "found unexpected end of stream": "file_yaml_end",
    "found character that cannot start any token": "file_yaml_character",
    "found a tab character that violates indentation": "file_yaml_tab",
    "found undefined alias": "file_yaml_alias",
    "second occurrence": "file_yaml_anchor_twice",
    "expected a single document in the stream, but found another document": "file_yaml_documents",
    "found unknown escape character": "file_yaml_escape",
    "exceeded maximum nesting depth": "file_yaml_depth",
}

# The parser's words name what it expected (in English: libyaml's own); these say what a person most likely
# did, in each language (catalogue sentences).
_HINTS = (
    ("\\t", "file_hint_tab"),
    ("tab", "file_hint_tab"),
    ("mapping values are not allowed", "file_hint_colon"),
    ("could not find expected ':'", "file_hint_no_colon"),
    ("expected <block end>", "file_hint_indented"),
    ("did not find expected key", "file_hint_indented"),
    ("did not find expected '-' indicator", "file_hint_list_item"),
    ("while scanning a quoted scalar", "file_hint_quote"),
    ("found unexpected end of stream", "file_hint_never_closed"),
    ("did not find expected ',' or ']'", "file_hint_brackets"),
    ("did not find expected ',' or '}'", "file_hint_braces"),
)


def _hint_key(parser_words: str) -> str | None:
    for needle, key in _HINTS:
        if needle in parser_words:
            return key
    return None


def syntax_hint(parser_words: str) -> str:
    """A plain-language guess at the cause of a YAML syntax error, to put beside the parser's words (English)."""
    key = _hint_key(parser_words)
    return f" (probably {_hint(key)})" if key else ""


def _hint(key: str) -> Explained:
    return Explained(key, open="{", close="}")  # braces as a hint writes them


def count_values(text: str, name: str, limits: Limits, max_aliases: int = MAX_ALIASES) -> None:
    """Refuse a text with too many values, too deep, too many aliases or a too long text, from the parser's
    events alone (each one dropped as soon as it is counted: the memory stays flat whatever the text).

    A syntax error is left to the composer, which reports it with its place.
    """
    values = depth = aliases = 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def refuse(event: yaml.Event | None, message: Explained) -> ProblemsError:
        mark = event.start_mark if event is not None else None
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        return ProblemsError([explained(name, line, column, "", message)])

    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.NodeEvent):  # a scalar, an alias, or the start of a list or mapping
                values += 1
                if values > limits.max_nodes:
                    raise refuse(event, Explained("file_too_many_values", limit=Number(limits.max_nodes)))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise refuse(event, Explained("file_too_deep", limit=MAX_DEPTH))
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > max_aliases:
                    raise refuse(event, Explained("file_aliases_many", limit=Number(max_aliases)))
            elif isinstance(event, yaml.ScalarEvent) and len(event.value) > limits.max_text:
                raise refuse(event, too_long(len(event.value), limits.max_text))
    except yaml.YAMLError:
        return


class _Converter:
    def __init__(self, name: str) -> None:
        self.doc = Document(name, None)
        self.problems: list[Problem] = []
        self.seen: set[int] = set()
        self.alias_reported = False  # one report is enough: a bomb would repeat it millions of times
        # One sentence for the problems that say the same (50,000 duplicate keys 'a'), and its English text
        # once: a sentence costs far more memory than the line of text it replaces.
        self.sentences: dict[tuple[object, ...], Explained] = {}

    def run(self, root: yaml.Node) -> Document:
        self.doc.data = self.convert(root, (), 0)
        self.doc.problems = self.problems
        return self.doc

    def report(self, node: yaml.Node, path: KeyPath, message: Explained, broken: bool = True) -> None:
        if broken:
            self.doc.broken.add(path)
        message = self.sentences.setdefault((message.key, *message.values.items()), message)
        mark = node.start_mark
        self.problems.append(explained(self.doc.file, mark.line + 1, mark.column + 1, format_path(path), message))

    def convert(self, node: yaml.Node, path: KeyPath, depth: int) -> object:
        self.doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.seen:
            if not self.alias_reported:
                self.alias_reported = True
                self.report(node, path, Explained("file_aliases"))
            return None
        self.seen.add(id(node))
        if depth >= MAX_DEPTH:
            self.report(node, path, Explained("file_too_deep", limit=MAX_DEPTH))
            return None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _YAML + "seq":
                self.report(node, path, Explained("file_tag", tag=_short(node.tag)))
                return None
            return [self.convert(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _YAML + "map":
            self.report(node, path, Explained("file_tag", tag=_short(node.tag)))
            return None
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.report(key_node, path, Explained("file_key_not_text"))
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                first = self.doc.key_marks[child]
                said = Explained("file_duplicate_key", name=key, line=first[0])
                self.report(key_node, child, said, broken=False)
                continue
            self.doc.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.convert(value_node, child, depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode, path: KeyPath) -> object:
        if node.tag not in _SCALAR_TAGS:
            self.report(node, path, Explained("file_tag", tag=_short(node.tag)))
            return None
        if node.tag not in _SAFE_CONSTRUCT:
            return node.value  # strings, and dates kept as the text that was written
        try:
            return _constructor.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            self.report(node, path, Explained("file_not_a_number", value=node.value[:40]))
            return None


def too_long(length: int, limit: int) -> Explained:
    """A text longer than the limit for one value, as a message."""
    return Explained("file_text_too_long", length=Number(length), limit=Number(limit))


def _short(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


_constructor = yaml.constructor.SafeConstructor()
