"""A small YAML subset reader (Python 3 stdlib only) for the containerlab files and Fanout configs here.

python3-yaml is not a Fanout dependency, so the static checker (clab_check.py) reads YAML with this instead. It
accepts exactly what these files use and refuses the rest with FILE:LINE, so nothing is silently misread:

- block mappings (`key: value`, `key:` + nested block) and block sequences (`- item`, `- key: value ...`),
  also a sequence at the same indentation as its key;
- single-line flow sequences of scalars: `[a, "b:c", 'd']` and `[]`;
- scalars: plain, 'single' and "double" quoted; `#` comments; empty / `~` / `null` values are None.

Every scalar is returned as a str (no type guessing: `0`, `true`, `30s` stay strings); callers interpret.
Refused: tabs in indentation, flow mappings `{}`, block scalars `|` `>`, anchors/aliases, tags, documents
(`---`), multi-line flow sequences, duplicate keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class YamlError(Exception):
    pass


@dataclass
class _Line:
    indent: int
    text: str
    number: int


def _strip_comment(s: str) -> str:
    quote = None
    for i, ch in enumerate(s):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or s[i - 1] in " \t"):
            return s[:i]
    return s


def _split_outside_quotes(s: str, sep: str) -> list[str]:
    parts, cur, quote = [], "", None
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            cur += ch
        elif ch == sep:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


class _Reader:
    def __init__(self, text: str, name: str):
        self.name = name
        self.lines: list[_Line] = []
        for n, raw in enumerate(text.splitlines(), 1):
            body = _strip_comment(raw).rstrip()
            if not body.strip():
                continue
            stripped = body.lstrip(" ")
            if stripped.startswith("\t") or "\t" in body[: len(body) - len(stripped)]:
                self.fail(n, "tab in indentation")
            if stripped in ("---", "...") or stripped.startswith("--- "):
                self.fail(n, "YAML documents (---) are not supported")
            self.lines.append(_Line(len(body) - len(stripped), stripped, n))

    def fail(self, line: int, what: str):
        raise YamlError(f"{self.name}:{line}: {what}")

    # --- scalars ---------------------------------------------------------------------------------------------

    def scalar(self, s: str, line: int) -> Any:
        s = s.strip()
        if s in ("", "~", "null"):
            return None
        if s[0] in "&*!{|>" or s.startswith("? "):
            self.fail(line, f"unsupported YAML construct '{s[:20]}'")
        if s[0] == "[":
            if not s.endswith("]"):
                self.fail(line, "flow sequences must open and close on one line")
            inner = s[1:-1].strip()
            if not inner:
                return []
            items = [x.strip() for x in _split_outside_quotes(inner, ",")]
            if any(not x or x[0] in "[{" for x in items):
                self.fail(line, "only flat flow sequences of scalars are supported")
            return [self.scalar(x, line) for x in items]
        if s[0] == '"':
            if len(s) < 2 or not s.endswith('"'):
                self.fail(line, "unterminated double-quoted scalar")
            body = s[1:-1]
            out, i = "", 0
            while i < len(body):
                if body[i] == "\\" and i + 1 < len(body):
                    out += {"n": "\n", "t": "\t"}.get(body[i + 1], body[i + 1])
                    i += 2
                else:
                    out += body[i]
                    i += 1
            return out
        if s[0] == "'":
            if len(s) < 2 or not s.endswith("'"):
                self.fail(line, "unterminated single-quoted scalar")
            return s[1:-1].replace("''", "'")
        if ": " in s or s.endswith(":"):
            self.fail(line, f"unexpected mapping in a scalar: '{s}'")
        return s

    # --- blocks ----------------------------------------------------------------------------------------------

    @staticmethod
    def is_item(text: str) -> bool:
        return text == "-" or text.startswith("- ")

    def key_value(self, text: str, line: int) -> tuple[str, str] | None:
        """'key: rest' or 'key:' outside quotes; None when text is not a mapping entry."""
        if text[0] in "'\"[":
            return None
        quote = None
        for i, ch in enumerate(text):
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch == ":" and (i + 1 == len(text) or text[i + 1] == " "):
                key = text[:i].strip()
                if not key:
                    self.fail(line, "empty key")
                return key, text[i + 1:].strip()
        return None

    def block(self, i: int, indent: int) -> tuple[Any, int]:
        line = self.lines[i]
        if self.is_item(line.text):
            return self.sequence(i, line.indent)
        return self.mapping(i, line.indent)

    def sequence(self, i: int, indent: int) -> tuple[list, int]:
        out: list = []
        while i < len(self.lines) and self.lines[i].indent == indent and self.is_item(self.lines[i].text):
            line = self.lines[i]
            rest = line.text[1:].lstrip(" ")
            if not rest:
                if i + 1 < len(self.lines) and self.lines[i + 1].indent > indent:
                    value, i = self.block(i + 1, self.lines[i + 1].indent)
                else:
                    value, i = None, i + 1
            elif self.key_value(rest, line.number) is not None:
                # "- key: value" opens a mapping whose keys sit at the column of "key".
                col = indent + (len(line.text) - len(rest))
                self.lines[i] = _Line(col, rest, line.number)
                value, i = self.mapping(i, col)
            else:
                value, i = self.scalar(rest, line.number), i + 1
            out.append(value)
        return out, i

    def mapping(self, i: int, indent: int) -> tuple[dict, int]:
        out: dict = {}
        while i < len(self.lines) and self.lines[i].indent == indent and not self.is_item(self.lines[i].text):
            line = self.lines[i]
            kv = self.key_value(line.text, line.number)
            if kv is None:
                self.fail(line.number, f"expected 'key: value', got '{line.text}'")
            key, rest = kv
            key = self.scalar(key, line.number)
            if key in out:
                self.fail(line.number, f"duplicate key '{key}'")
            i += 1
            if rest:
                out[key] = self.scalar(rest, line.number)
            elif i < len(self.lines) and self.lines[i].indent > indent:
                out[key], i = self.block(i, self.lines[i].indent)
            elif i < len(self.lines) and self.lines[i].indent == indent and self.is_item(self.lines[i].text):
                out[key], i = self.sequence(i, indent)
            else:
                out[key] = None
        if i < len(self.lines) and self.lines[i].indent > indent:
            self.fail(self.lines[i].number, "unexpected indentation")
        return out, i

    def document(self) -> Any:
        if not self.lines:
            return None
        if self.lines[0].indent != 0:
            self.fail(self.lines[0].number, "the document must start at column 1")
        value, i = self.block(0, 0)
        if i != len(self.lines):
            self.fail(self.lines[i].number, "unexpected content (bad indentation?)")
        return value


def loads(text: str, name: str = "<string>") -> Any:
    """Parses text; raises YamlError naming name:line."""
    return _Reader(text, name).document()


def normalize_pyyaml(value: Any) -> Any:
    """PyYAML's result with every scalar turned into the str this reader returns (for cross-checks)."""
    if isinstance(value, dict):
        return {str(normalize_pyyaml(k)): normalize_pyyaml(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_pyyaml(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return None
    return str(value)
