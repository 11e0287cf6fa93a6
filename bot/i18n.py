"""Every user-visible string, from bot/texts/<locale>.yaml, chosen by the user's language."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import yaml

TEXTS_DIR = Path(__file__).parent / "texts"
LOCALES = ("zh-CN", "en")


def _flatten(data: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value)
    return out


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Texts:
    """Locale tables with fallback to the default locale; t(key, lang, **kw) formats a string."""

    def __init__(self, tables: dict[str, dict[str, str]], default: str = "zh-CN"):
        self.tables = tables
        self.default = default

    @classmethod
    def load(cls, default: str = "zh-CN", folder: Path = TEXTS_DIR) -> Texts:
        """<locale>.yaml plus one <feature>.<locale>.yaml per feature; keys must not clash."""
        tables = {}
        for locale in LOCALES:
            table: dict[str, str] = {}
            files = [folder / f"{locale}.yaml", *sorted(folder.glob(f"*.{locale}.yaml"))]
            for path in files:
                raw = _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
                clash = set(raw) & set(table)
                if clash:
                    raise ValueError(f"{path}: keys defined twice: {sorted(clash)[:5]}")
                table.update(raw)
            tables[locale] = table
        return cls(tables, default)

    def lang(self, language_code: str | None) -> str:
        """Map a Telegram language_code to a shipped locale (zh*, en*), else the default."""
        code = (language_code or "").lower()
        if code.startswith("zh"):
            return "zh-CN"
        if code.startswith("en"):
            return "en"
        return self.default

    def t(self, key: str, lang: str | None = None, /, **kwargs: object) -> str:
        """The string for key in lang (falling back to the default locale), formatted."""
        table = self.tables.get(lang or self.default) or self.tables[self.default]
        template = table.get(key)
        if template is None:
            template = self.tables[self.default].get(key)
        if template is None:
            raise KeyError(f"missing text {key!r}")
        return template.format(**kwargs) if kwargs else template

    def has(self, key: str) -> bool:
        return key in self.tables[self.default]

    def problems(self) -> list[str]:
        """Keys or placeholders that differ between locales (for `check`)."""
        out = []
        base = self.tables["zh-CN"]
        for locale, table in self.tables.items():
            for key in sorted(set(base) ^ set(table)):
                where = locale if key not in table else "zh-CN"
                out.append(f"bot/texts/{where}.yaml: {key}: missing (present in the other locale)")
            for key in sorted(set(base) & set(table)):
                if _fields(base[key]) != _fields(table[key]):
                    out.append(f"bot/texts/{locale}.yaml: {key}: placeholders differ from zh-CN "
                               f"({sorted(_fields(table[key]))} vs {sorted(_fields(base[key]))})")
        return out


@cache
def default_texts() -> Texts:
    return Texts.load()
