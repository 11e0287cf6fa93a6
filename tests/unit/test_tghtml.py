"""Telegram HTML parse mode: plain text, entities in UTF-16 units, Telegram-style errors."""

import pytest

from bot.tghtml import TgHtmlError, escape, normalize_url, parse_html, utf16_len


def ent(kind: str, offset: int, length: int, **extra: object) -> dict:
    return {"type": kind, "offset": offset, "length": length, **extra}


def test_plain_text_passes_through() -> None:
    assert parse_html("你好，世界") == ("你好，世界", [])


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("b", "bold"),
        ("strong", "bold"),
        ("i", "italic"),
        ("em", "italic"),
        ("u", "underline"),
        ("ins", "underline"),
        ("s", "strikethrough"),
        ("strike", "strikethrough"),
        ("del", "strikethrough"),
        ("tg-spoiler", "spoiler"),
        ("code", "code"),
        ("pre", "pre"),
        ("blockquote", "blockquote"),
    ],
)
def test_simple_tags(tag: str, kind: str) -> None:
    assert parse_html(f"a <{tag}>xy</{tag}> b") == ("a xy b", [ent(kind, 2, 2)])


def test_tag_names_are_case_insensitive() -> None:
    assert parse_html("<B>x</b>") == ("x", [ent("bold", 0, 1)])


def test_span_spoiler_and_plain_span() -> None:
    assert parse_html('<span class="tg-spoiler">秘密</span>') == ("秘密", [ent("spoiler", 0, 2)])
    with pytest.raises(TgHtmlError, match='Tag "span" must have class "tg-spoiler"'):
        parse_html("<span>x</span>")


def test_nested_entities_sorted_by_offset_then_length() -> None:
    text, entities = parse_html("<b>bold <i>both</i></b> <u>u</u>")
    assert text == "bold both u"
    assert entities == [ent("bold", 0, 9), ent("italic", 5, 4), ent("underline", 10, 1)]


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_html("😀<b>防骗</b>🛡️<i>x</i>")
    assert text == "😀防骗🛡️x"
    # 😀 is a surrogate pair (2 units); 🛡️ is U+1F6E1 (2) + U+FE0F (1)
    assert entities == [ent("bold", 2, 2), ent("italic", 7, 1)]
    assert utf16_len("😀防骗🛡️") == 7


def test_links() -> None:
    text, entities = parse_html(
        '<a href="https://example.com">站点</a> <a href="tg://user?id=42">他</a>'
    )
    assert text == "站点 他"
    assert entities == [
        ent("text_link", 0, 2, url="https://example.com/"),
        ent("text_link", 3, 1, url="tg://user?id=42"),
    ]


def test_link_without_href_uses_its_text_and_bad_links_are_dropped() -> None:
    assert parse_html("<a>example.com/x</a>") == (
        "example.com/x",
        [ent("text_link", 0, 13, url="http://example.com/x")],
    )
    assert parse_html('<a href="javascript:alert(1)">x</a>') == ("x", [])
    with pytest.raises(TgHtmlError, match='Invalid URL "javascript:alert' + r"\(1\)"):
        parse_html('<a href="javascript:alert(1)">x</a>', strict_links=True)


def test_pre_with_language() -> None:
    source = '<pre><code class="language-python">print("hi")</code></pre>'
    assert parse_html(source) == ('print("hi")', [ent("pre", 0, 11, language="python")])


def test_standalone_code_has_no_language() -> None:
    assert parse_html('<code class="language-python">x</code>') == ("x", [ent("code", 0, 1)])


def test_pre_code_without_language_is_one_pre() -> None:
    assert parse_html("<pre><code>x = 1</code></pre>") == ("x = 1", [ent("pre", 0, 5)])


def test_blockquotes() -> None:
    assert parse_html("<blockquote>引用</blockquote>") == ("引用", [ent("blockquote", 0, 2)])
    assert parse_html("<blockquote expandable>长</blockquote>") == (
        "长",
        [ent("expandable_blockquote", 0, 1)],
    )


def test_custom_emoji_and_time() -> None:
    text, entities = parse_html(
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        '<tg-time unix="1647531900" format="wDT">明天</tg-time>'
    )
    assert text == "👍明天"
    assert entities == [
        ent("custom_emoji", 0, 2, custom_emoji_id="5368324170671202286"),
        ent("date_time", 2, 2, unix_time=1647531900, date_time_format="wDT"),
    ]
    with pytest.raises(TgHtmlError, match="Invalid custom emoji identifier"):
        parse_html('<tg-emoji emoji-id="abc">x</tg-emoji>')


def test_html_entities() -> None:
    assert parse_html("&lt;b&gt; &amp; &quot;q&quot; &#20013;&#x6587;") == ('<b> & "q" 中文', [])
    # as on Telegram: the semicolon is optional for known names, & alone is literal
    assert parse_html("a &lt b && c &copy d") == ("a < b && c &copy d", [])


def test_unknown_named_entity_is_rejected_by_default() -> None:
    with pytest.raises(TgHtmlError, match=r'Unsupported HTML entity "&nbsp;" at byte offset 1'):
        parse_html("x&nbsp;y")
    assert parse_html("x&nbsp;y", strict_entities=False) == ("x&nbsp;y", [])


def test_empty_entities_are_dropped() -> None:
    assert parse_html("a<b></b>b") == ("ab", [])


def test_attribute_forms() -> None:
    assert parse_html("<a href='https://t.me/x'>x</a>")[1][0]["url"] == "https://t.me/x"
    assert parse_html('<a  href = "https://t.me/y" >y</a>')[1][0]["url"] == "https://t.me/y"
    assert parse_html('<a href="https://e.com/?a=1&amp;b=2">z</a>')[1][0]["url"] == (
        "https://e.com/?a=1&b=2"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("中<p>x</p>", 'Unsupported start tag "p" at byte offset 3'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a<b", "Unclosed start tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ('<a href="x" =y>z</a>', 'Empty attribute name in the tag "a" at byte offset 0'),
        ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
    ],
)
def test_errors_mirror_telegram(source: str, message: str) -> None:
    with pytest.raises(TgHtmlError) as info:
        parse_html(source)
    assert str(info.value) == f"can't parse entities: {message}"


def test_escape_round_trip() -> None:
    raw = '<script> & "quotes" 中文'
    assert parse_html(escape(raw)) == (raw, [])


def test_normalize_url() -> None:
    assert normalize_url("https://example.com") == "https://example.com/"
    assert normalize_url("example.com/a?b=1") == "http://example.com/a?b=1"
    assert normalize_url("HTTPS://Example.com/x") == "https://Example.com/x"
    assert normalize_url("tg://resolve?domain=x") == "tg://resolve?domain=x"
    assert normalize_url("mailto:a@b.c") is None
    assert normalize_url("not a url") is None
    assert normalize_url("ftp://example.com/") is None
