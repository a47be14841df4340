"""The words the sender wrote now: HTML turned into text, quotes and signature removed.

Only this part is scored, so a formal disclaimer or a quoted chain of our own replies cannot
make a two-word "ok thx" look formal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup

from mailmatrix.addresses.quoting import strip_quoted
from mailmatrix.addresses.signature import SignatureFacts, signature_facts

MAX_BODY = 200_000  # characters read from a body at all; a 1 MB body is mostly quotes
MAX_SCORED = 4_000  # characters scored: the opening, the request and the closing fit easily

# Quoted history as the big clients mark it in HTML: Gmail, Apple Mail / Thunderbird, Outlook.
_QUOTE_SELECTORS = ("div.gmail_quote", "blockquote", "div#divRplyFwdMsg", "div#appendonsend",
                    "div.moz-cite-prefix", "div[id^=OLK_SRC_BODY_SECTION]")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


@dataclass(frozen=True)
class OwnWords:
    text: str  # what is scored; cue offsets point into it
    signature: SignatureFacts
    truncated: bool


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, without scripts, styles or the quoted history."""
    soup = BeautifulSoup(html[:MAX_BODY], "html.parser")
    for element in soup(["script", "style", "head", "title"]):
        element.decompose()
    for selector in _QUOTE_SELECTORS:
        for element in soup.select(selector):
            element.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
    text = soup.get_text()
    return _BLANK_LINES.sub("\n\n", text.replace("\xa0", " ")).strip()


def own_words(body: str, *, is_html: bool = False, sender_name: str | None = None,
              default_region: str | None = None) -> OwnWords:
    """The sender's own words: no quotes, no forwarded blocks, no signature; capped."""
    text = html_to_text(body) if is_html else body[:MAX_BODY]
    text = strip_quoted(text.replace("\r\n", "\n"))
    signature = signature_facts(text, sender_name=sender_name, default_region=default_region)
    if signature.block:
        cut = text.rfind(signature.block.split("\n", 1)[0])
        if cut > 0:
            text = text[:cut]
    text = text.strip()
    return OwnWords(text[:MAX_SCORED], signature, len(text) > MAX_SCORED)
