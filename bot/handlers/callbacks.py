"""Callback-data prefixes, in one place. Data is untrusted: every handler re-validates it."""

TIP = "tip"        # tip:<ok|back|edit>:<tip id>          review card of a draft tip
NEWTIP = "nt"      # nt:<type|aud|done>:<value>           /newtip choices
ALERT = "alert"    # alert:<send|cancel>:<alert id>       alert preview
QUIZ = "qz"        # qz:<action>:<value>                  private quiz answers
FAQ = "faq"        # faq:<action>:<entry id>              related-question buttons
CASE = "case"      # case:<action>:<case id>[:<value>]    officers' report cards
REPORT = "rp"      # rp:<action>:<value>                  a reporter's own buttons
VOLUNTEER = "vol"  # vol:revoke:<user id>                 /volunteers list


def parse(data: str | None, prefix: str, actions: tuple[str, ...]) -> tuple[str, str] | None:
    """Split "<prefix>:<action>:<arg>"; None when the data is not of that shape."""
    if not data:
        return None
    parts = data.split(":", 2)
    if len(parts) != 3 or parts[0] != prefix or parts[1] not in actions:
        return None
    return parts[1], parts[2]
