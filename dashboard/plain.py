"""Text from a URL, a file name or a cell, made safe to show in Streamlit's markdown-rendering
elements (st.markdown, st.warning, st.error, st.info, st.caption, widget labels, …): it is
shown as the characters it holds, never as a link, an image, HTML or formatting."""
from __future__ import annotations

import re

# The characters that open markdown, Streamlit's own syntax (:red[…]) or HTML: a backslash
# before each makes it a literal (CommonMark escapes any ASCII punctuation). Without [ ] there
# is no link or image, without < > no HTML; . : ( ) - ! stay as typed ("Dịch vụ công!D8: …").
_SPECIAL = "\\`*_{}[]<>&$~|#@"
_ESCAPE = {ord(c): "\\" + c for c in _SPECIAL}
_ESCAPE.update({ord("\r"): " ", ord("\n"): " ", ord("\t"): " "})
# A bare address (http://…, www.…) becomes a link in GFM even with nothing escaped: a word
# joiner (U+2060, invisible, zero width) after the scheme's colon / the "www" breaks it.
_AUTOLINK = re.compile(r"(?i)\b(?:https?:|ftp:|mailto:|file:|javascript:|data:|www\.)")
# A colon before a letter opens Streamlit's own syntax even with [ ] escaped: a directive (":red"
# alone is one, and vanishes), an emoji (":smile:") or an icon (":material/warning:"). A word
# joiner after that colon keeps the characters and drops the meaning.
_DIRECTIVE = re.compile(r":(?=[^\W\d_])")
WORD_JOINER = "\u2060"


def plain(value) -> str:
    """value as text that markdown shows exactly as written: markup characters backslash-escaped,
    bare web addresses and Streamlit's :directives: broken by an invisible word joiner, line
    breaks made spaces."""
    text = str(value).translate(_ESCAPE)
    text = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return _DIRECTIVE.sub(":" + WORD_JOINER, text)
