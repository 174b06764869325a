"""Names, labels and messages from the server shown as they are, wherever they go: no control character reaches a
terminal, no name becomes Markdown or HTML (a comment, an image, a link, code, a broken table row) or breaks a
Mermaid label."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~&#$@])")
WORD_JOINER = "\u2060"  # invisible, and no line break at it
# What GitHub links after parsing, in the text itself (a backslash escape is gone by then): bare URLs and www.
# (GFM autolinks), e-mail addresses and @mentions, :emoji: shortcodes, #123 references. A word joiner after the
# character that starts each keeps the text as it looks and leaves nothing to match.
_LINKED = re.compile(
    r"(?<=:)(?=//)"  # https://...
    r"|(?<=:)(?=[\w+-]+:)"  # :emoji:
    r"|(?<![\w.+-]\\@)(?<=\\@)(?=\w)|(?<=@)(?=[a-z0-9][\w-]*\.[\w-])"  # @mention (escaped), user@host.domain
    r"|(?<=\bwww)(?=\.)"  # www.
    r"|(?<=#)(?=\d)",  # #123
    re.IGNORECASE,
)


def terminal(text: str) -> str:
    """Control characters (ESC, CR, LF, ...) as visible `\\xNN` escapes."""
    return _CONTROL.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text
    )


def markdown(text: str) -> str:
    """Text GitHub's Markdown shows literally, also inside a table cell (never put it in a code span, where
    escapes show): the marks that start code, emphasis, links and images, HTML and comments, entities,
    headings, table cells, strikethrough, math and mentions are backslash-escaped (CommonMark allows that for
    any ASCII punctuation); control characters are shown as escapes, so a CR or LF never ends a row; what GitHub
    would still turn into a link, a mention or an emoji gets an invisible word joiner (`_LINKED`)."""
    return _LINKED.sub(WORD_JOINER, _MARKDOWN.sub(r"\\\1", terminal(text)))


def mermaid(text: str) -> str:
    """Text for a quoted Mermaid label: one line, no quote or angle bracket left to end it or start HTML."""
    escaped = terminal(text)
    for character, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        escaped = escaped.replace(character, code)
    return escaped
