"""Config loading: defaults, env overrides, and errors that name the key and the fix."""

import pytest

from bot.__main__ import main
from bot.config import ConfigError, config_from_mapping, describe, load_config


def problems_of(data) -> list[str]:
    with pytest.raises(ConfigError) as err:
        config_from_mapping(data, source="c.yaml", env={})
    return err.value.problems


def test_shipped_config_loads_with_defaults():
    config = load_config("config.yaml", env={})
    assert config.timezone == "Asia/Shanghai"
    assert config.locale == "zh-CN"
    assert config.telegram.base_url == "https://api.telegram.org/bot"
    assert config.telegram.file_url == "https://api.telegram.org/file/bot"
    assert [str(s) for s in config.schedule.daily_slots] == ["08:30"]
    assert [str(s) for s in config.schedule.quiz_slots] == ["fri 19:30"]


def test_env_token_wins_and_config_is_frozen():
    config = config_from_mapping({"telegram": {"token": "from-file"}}, env={"BOT_TOKEN": "env"})
    assert config.telegram.token == "env"
    with pytest.raises(AttributeError):
        config.locale = "en"  # type: ignore[misc]


def test_unknown_key_names_the_valid_ones():
    [problem] = problems_of({"schedule": {"daily_tips": ["08:30"]}})
    assert "schedule.daily_tips: unknown key" in problem
    assert "daily_tip" in problem


@pytest.mark.parametrize(
    ("data", "key", "hint"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "Asia/Shanghai"),
        ({"schedule": {"daily_tip": ["25:00"]}}, "schedule.daily_tip", "00:00 to 23:59"),
        ({"schedule": {"quiz": ["someday 19:30"]}}, "schedule.quiz", "weekday"),
        ({"officers": "12345"}, "officers", "list of whole numbers"),
        ({"officers": [1, 1]}, "officers", "twice"),
        ({"locale": "fr"}, "locale", "zh-CN, en"),
        ({"review_chat_id": 42}, "review_chat_id", "negative"),
        ({"telegram": {"base_url": "api.telegram.org"}}, "telegram.base_url", "http"),
        ({"delivery": {"per_second": 0}}, "delivery.per_second", "greater than 0"),
        ({"tips": {"four_eyes": "yes"}}, "tips.four_eyes", "true/false"),
    ],
)
def test_bad_values_name_key_value_and_fix(data, key, hint):
    problems = problems_of(data)
    assert any(p.startswith(f"c.yaml: {key}:") and hint in p for p in problems), problems


def test_every_problem_is_reported_at_once():
    problems = problems_of({"timezone": "X/Y", "locale": "fr", "nope": 1})
    assert len(problems) == 3


def test_yaml_syntax_error_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("telegram: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad, env={})
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.yaml", env={})


def test_paths_resolve_next_to_the_config_file(tmp_path):
    path = tmp_path / "conf.yaml"
    path.write_text("database: db/bot.sqlite3\n", encoding="utf-8")
    config = load_config(path, env={})
    assert config.resolve(config.database) == tmp_path / "db" / "bot.sqlite3"


def test_reference_lists_every_setting():
    keys = [k for k, _, _ in describe()]
    assert "telegram.token" in keys and "schedule.daily_tip" in keys and "officers" in keys


def test_check_cli_exits_1_naming_the_key(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    path.write_text("timezone: Nowhere/City\n", encoding="utf-8")
    assert main(["check", "--config", str(path)]) == 1
    out = capsys.readouterr().out
    assert "timezone" in out and "Nowhere/City" in out


def test_run_without_token_explains_botfather_and_starts_the_demo(tmp_path, capsys, monkeypatch):
    import bot.demo

    started = []

    async def fake_demo(config, **kwargs):  # the real demo serves until Ctrl+C
        started.append(kwargs)
        return 0

    monkeypatch.setattr(bot.demo, "run_demo", fake_demo)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    path = tmp_path / "c.yaml"
    path.write_text("{}\n", encoding="utf-8")
    assert main(["run", "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert "@BotFather" in err and "DEMO" in err and "Traceback" not in err
    assert "http://127.0.0.1:8080/demo/" in err
    assert started == [{"port": 8080, "lang": None}]
    assert main(["demo", "--port", "8099", "--lang", "en", "--config", str(path)]) == 0
    assert started[-1] == {"port": 8099, "lang": "en"}
