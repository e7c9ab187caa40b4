"""dashboard.plain.plain: text from a URL, a file name or a cell loses every markup meaning in
Streamlit's markdown and keeps its characters (exact outputs)."""
import pytest

from dashboard.plain import plain

WJ = "\u2060"


@pytest.mark.parametrize("text, expected", [
    ("[Phiên hết hạn - đăng nhập lại tại đây](http://x.vn/a)",
     f"\\[Phiên hết hạn - đăng nhập lại tại đây\\](http:{WJ}//x.vn/a)"),
    ("![x](https://e.vn/p.png)", f"!\\[x\\](https:{WJ}//e.vn/p.png)"),
    ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
    ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
    ("**đậm** _nghiêng_ `mã` ~~gạch~~ $x$", "\\*\\*đậm\\*\\* \\_nghiêng\\_ \\`mã\\` \\~\\~gạch\\~\\~ \\$x\\$"),
    # a colon before a letter opens a directive, an emoji or an icon: broken by a word joiner
    # (the browser walk found ":red" vanishing and ":material/warning:" drawn as an icon)
    (":red[đỏ] :material/warning:", f":{WJ}red\\[đỏ\\] :{WJ}material/warning:"),
    (":smile: 16:13 Ghi chú:xong", f":{WJ}smile: 16:13 Ghi chú:{WJ}xong"),
    ("www.evil.vn, a@b.vn", f"www.{WJ}evil.vn, a\\@b.vn"),
    ("# Tiêu đề\n> trích\r\n| a |", "\\# Tiêu đề \\> trích  \\| a \\|"),
    ("a\\b &amp; {x}", "a\\\\b \\&amp; \\{x\\}"),
    ("Dịch vụ công!D8: Hồ sơ trực tuyến (11) lớn hơn tổng số hồ sơ (10).",
     "Dịch vụ công!D8: Hồ sơ trực tuyến (11) lớn hơn tổng số hồ sơ (10)."),
    ("DA06_395_2024-12.xlsx", "DA06\\_395\\_2024-12.xlsx"),
])
def test_markup_characters_are_escaped_and_plain_text_is_kept(text, expected):
    assert plain(text) == expected


def test_non_text_values_are_shown_as_their_text():
    assert plain(395) == "395"
    assert plain(ValueError("ô [A1](http://x)")) == f"ô \\[A1\\](http:{WJ}//x)"
