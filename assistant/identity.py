"""Who is asking: the name conversations, feedback and audit entries are kept under.

In this order:
1. behind a single sign-on proxy, the header ``ASSISTANT_TRUSTED_USER_HEADER`` (off by default),
   believed only when the request comes from an address in ``ASSISTANT_TRUSTED_PROXIES``;
2. the name given at the web login;
3. for API clients, the label of their key (``ASSISTANT_API_KEY_LABELS``, ``{"label": "key"}``), or,
   for a key without one, ``key-`` and the first 12 hex digits of its SHA-256 (the key itself is
   never stored);
4. without configured keys (local use): the one local user.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

LOCAL_USER = "local"
MAX_NAME = 200  # the width of the user columns


@dataclass(frozen=True)
class Identities:
    keys_configured: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)  # key -> label
    trusted_header: str | None = None
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def build(
        cls,
        keys_configured: bool,
        key_labels: Mapping[str, str] | None = None,
        trusted_header: str | None = None,
        trusted_proxies: Iterable[str] = (),
    ) -> Identities:
        networks = tuple(ipaddress.ip_network(p.strip(), strict=False) for p in trusted_proxies if p.strip())
        if trusted_header and not networks:
            log.warning("ASSISTANT_TRUSTED_USER_HEADER ohne ASSISTANT_TRUSTED_PROXIES wird ignoriert (ignored).")
        return cls(
            keys_configured=keys_configured,
            labels={key: label for label, key in (key_labels or {}).items() if key and label},
            trusted_header=(trusted_header or "").strip().lower() or None,
            trusted_proxies=networks,
        )

    @classmethod
    def from_settings(cls, settings: Any, keys_configured: bool) -> Identities:
        return cls.build(
            keys_configured,
            getattr(settings, "api_key_labels", None),
            getattr(settings, "trusted_user_header", None),
            getattr(settings, "trusted_proxies", ()) or (),
        )

    def for_key(self, key: str | None) -> str | None:
        if not key:
            return None
        return self.labels.get(key) or "key-" + hashlib.sha256(key.encode()).hexdigest()[:12]

    def from_proxy(self, headers: Mapping[str, str], client_host: str | None) -> str | None:
        """The trusted header's user, if the request came through a trusted proxy."""
        if not self.trusted_header or not client_host or not self.trusted_proxies:
            return None
        try:
            address = ipaddress.ip_address(client_host)
        except ValueError:
            return None
        if not any(address in network for network in self.trusted_proxies):
            return None
        name = (headers.get(self.trusted_header) or "").strip()
        return name[:MAX_NAME] or None

    def resolve(
        self,
        headers: Mapping[str, str],
        client_host: str | None,
        key: str | None = None,
        login_name: str | None = None,
    ) -> str:
        proxied = self.from_proxy(headers, client_host)
        if proxied:
            return proxied
        if login_name and login_name.strip():
            return login_name.strip()[:MAX_NAME]
        if self.keys_configured:
            return self.for_key(key) or LOCAL_USER
        return LOCAL_USER
