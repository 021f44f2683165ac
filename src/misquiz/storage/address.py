"""A database's address as it may be printed: the one place that masks passwords.

Every address misquiz prints (banners, messages, `db copy`'s report) goes through `masked`.
A URL's userinfo ends at its *last* `@` (a password may hold an unencoded `@`; libpq itself cuts
at the first one and would then print the rest of the password as part of the host name), and a
`password=` value is masked wherever it stands: in a URL's query or a key=value string.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

MASK = "***"
_PASSWORD_PARAMETER = re.compile(r"""(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&\s]*)""", re.IGNORECASE)


def masked(where: str | os.PathLike[str]) -> str:
    """The address with every password replaced by ***; a path or an address without one, unchanged."""
    text = str(where)
    scheme, sep, rest = text.partition("://")
    if sep and "@" in rest:
        userinfo, host = rest.rsplit("@", 1)
        user, colon, _ = userinfo.partition(":")
        text = f"{scheme}://{user}{colon and ':' + MASK}@{host}"
    return _PASSWORD_PARAMETER.sub(lambda m: m.group(1) + MASK, text)


def secrets_of(where: str | os.PathLike[str]) -> list[str]:
    """The passwords an address holds, as written and decoded, with the pieces between their `@`s."""
    text = str(where)
    found: list[str] = []
    _, sep, rest = text.partition("://")
    if sep and "@" in rest:
        userinfo = rest.rsplit("@", 1)[0]
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    found += [m.group(2).strip("'") for m in _PASSWORD_PARAMETER.finditer(text)]
    pieces = [piece for secret in found for piece in (secret, unquote(secret), *secret.split("@"))]
    return [piece for piece in dict.fromkeys(pieces) if piece]


def quotes_a_secret(message: str, where: str | os.PathLike[str]) -> bool:
    """Whether a driver's message quotes any part of the address's passwords (then it must not be printed)."""
    return any(piece in message for piece in secrets_of(where))
