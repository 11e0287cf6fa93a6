"""Entities Telegram detects in plain text (what users send, and bot text without markup)."""

import pytest

from bot.simulator.entities import entity_text, find_entities, merge_entities, strip_text


def found(text: str) -> list[tuple[str, str]]:
    return [(e["type"], entity_text(text, e)) for e in find_entities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", [("bot_command", "/start")]),
        ("/start@antifraud_test_bot 你好", [("bot_command", "/start@antifraud_test_bot")]),
        ("a/b and path/to /real", [("bot_command", "/real")]),
        ("/" + "x" * 33, []),
        ("请看 example.com/x 和 t.cn/abc，", [("url", "example.com/x"), ("url", "t.cn/abc")]),
        ("点 https://a.example.org/p?q=1). 了", [("url", "https://a.example.org/p?q=1")]),
        ("file.txt and 3.14", []),
        ("邮件 a.b@qq.com 联系", [("email", "a.b@qq.com")]),
        ("@zhangsan 你好 @ab", [("mention", "@zhangsan")]),
        ("#防骗 #123", [("hashtag", "#防骗")]),
    ],
)
def test_find_entities(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_offsets_in_utf16() -> None:
    [entity] = find_entities("😀😀 /help")
    assert (entity["offset"], entity["length"]) == (5, 5)


def test_merge_skips_text_inside_links_and_code() -> None:
    text = "see example.com and code t.cn/x"
    explicit = [{"type": "code", "offset": 25, "length": 6}]
    merged = merge_entities(text, explicit)
    assert [(e["type"], e["offset"]) for e in merged] == [("url", 4), ("code", 25)]


def test_strip_text_clips_entities() -> None:
    text, entities = strip_text("  hi there \n", [{"type": "bold", "offset": 0, "length": 5}])
    assert text == "hi there"
    assert entities == [{"type": "bold", "offset": 0, "length": 3}]
