"""Pure domain logic: no Telegram, no SQL, no clock of its own."""
