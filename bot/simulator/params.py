"""Request parameters as the Bot API receives them, and the registry of implemented methods."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.simulator.models import bad_request

if TYPE_CHECKING:
    from bot.simulator.world import World

logger = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Parameters whose values arrive JSON-encoded in form bodies.
JSON_KEYS = _words(
    """
    reply_markup entities caption_entities options scope commands link_preview_options
    reply_parameters allowed_updates correct_option_ids media explanation_entities
    question_entities description_entities menu_button permissions text_entities reaction
    rights country_codes message_ids
    """
)
INT_KEYS = _words(
    """
    chat_id from_chat_id message_id user_id offset limit timeout open_period close_date
    cache_time reply_to_message_id message_thread_id until_date correct_option_id
    """
)
BOOL_KEYS = _words(
    """
    is_anonymous allows_multiple_answers allows_revoting is_closed disable_notification
    protect_content show_alert drop_pending_updates allow_sending_without_reply
    members_only disable_content_type_detection for_channels revoke_messages
    only_if_banned allow_adding_options hide_results_until_closes shuffle_options
    """
)
_INT = re.compile(r"-?\d+")


@dataclass
class UploadedFile:
    """A file part of a multipart/form-data request."""

    name: str
    filename: str
    content_type: str | None
    content: bytes


def decode_value(key: str, value: Any) -> Any:
    """Turn a form/query string into the value it encodes (JSON, int, bool) where known."""
    if not isinstance(value, str):
        return value
    if key in JSON_KEYS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # the handler reports it
    if key in INT_KEYS and _INT.fullmatch(value):
        return int(value)
    if key in BOOL_KEYS and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


class Params:
    """Decoded parameters of one call with tolerant typed accessors."""

    def __init__(self, data: dict[str, Any], files: dict[str, UploadedFile] | None = None):
        self.data = {key: decode_value(key, value) for key, value in data.items()}
        self.files = files or {}

    def has(self, name: str) -> bool:
        """Whether the parameter was given."""
        return self.data.get(name) is not None or name in self.files

    def get(self, name: str, default: Any = None) -> Any:
        """The raw decoded value."""
        value = self.data.get(name)
        return default if value is None else value

    def get_str(self, name: str, default: str | None = None) -> str | None:
        """A string parameter."""
        value = self.data.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(
        self, name: str, default: int | None = None, *, required: bool = False
    ) -> int | None:
        """An integer parameter; 400 if required and missing, or not a number."""
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return default
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float):
            return int(value)
        if isinstance(value, str) and _INT.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f"invalid {name} specified")

    def get_bool(self, name: str, default: bool = False) -> bool:
        """A boolean parameter."""
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        """A JSON-serialized parameter (already decoded when possible)."""
        value = self.data.get(name)
        if isinstance(value, str) and name in JSON_KEYS:
            raise bad_request(f"can't parse {name.replace('_', ' ')} JSON object")
        return value

    def file(self, name: str) -> UploadedFile | str | None:
        """An uploaded file (also via ``attach://``), else the string value (file_id/URL)."""
        if name in self.files:
            return self.files[name]
        value = self.data.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self.files.get(value[len("attach://") :])
        return value if isinstance(value, str) else None

    def chat_id(self, name: str = "chat_id") -> int:
        """The target chat id (numeric; ``@username`` is not supported by the simulator)."""
        value = self.data.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INT.fullmatch(value.strip()):
            return int(value)
        raise bad_request("chat not found")

    def public(self) -> dict[str, Any]:
        """Parameters for the call log (files shown by name and size)."""
        shown = dict(self.data)
        for key, upload in self.files.items():
            shown[key] = f"<file {upload.filename!r} {len(upload.content)} bytes>"
        return shown


Handler = Callable[["World", Params], Any]


@dataclass
class MethodSpec:
    """A Bot API method the simulator implements."""

    name: str
    handler: Handler
    sends: bool  # counts against flood limits as a sent message


METHODS: dict[str, MethodSpec] = {}


def api_method(name: str, *, sends: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler for a Bot API method (names are case-insensitive)."""

    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = MethodSpec(name, handler, sends)
        return handler

    return register
