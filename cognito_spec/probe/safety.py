"""What the probe may talk to: an endpoint on this machine, or a host the user named.

The probe sends hostile requests on purpose (malformed JSON, forged tokens, oversized members) and
creates and deletes user pools.  Pointed at the real service, or at somebody else's server, that is
at best noise and at worst damage, so the rule is strict and checked before the first byte is sent:

* the URL is ``http://`` or ``https://`` with a host and no user information (``user:pass@`` would
  be a credential the probe has no business sending);
* the host is a loopback address (``127.0.0.0/8``, ``::1``) or ``localhost``; anything else only when
  the user names it with ``--allow-host`` (an emulator in a container, say);
* the names ``amazonaws.com`` and ``amazoncognito.com`` are never allowed, not even by
  ``--allow-host``: the probe is for emulators, and the service is measured by the research, not by
  this tool.  (Only a host name is checked here; the probe resolves nothing.)
"""

from __future__ import annotations

import ipaddress
import urllib.parse
from collections.abc import Iterable
from typing import Final

import attrs

from cognito_spec.errors import ProbeRefusedError

__all__ = ["Endpoint", "endpoint_of", "is_loopback"]

#: Domains of the real service: never a probe's target.
_AWS_DOMAINS: Final = ("amazonaws.com", "amazoncognito.com", "amazonaws.com.cn")


@attrs.frozen
class Endpoint:
    """Where the probe sends its requests: ``scheme://host:port`` and the path to POST to."""

    scheme: str
    host: str
    port: int
    path: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (IPv4 ``127.0.0.0/8``, IPv6 ``::1``)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _aws(host: str) -> bool:
    name = host.lower().rstrip(".")
    return any(name == d or name.endswith("." + d) for d in _AWS_DOMAINS)


def endpoint_of(url: str, *, allow_hosts: Iterable[str] = ()) -> Endpoint:
    """The endpoint of ``url``, or :class:`~cognito_spec.errors.ProbeRefusedError` saying why not."""
    if not isinstance(url, str):
        raise ProbeRefusedError(f"the endpoint is a URL string, not {type(url).__name__}")
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ProbeRefusedError("the endpoint is not a URL (scheme://host:port)") from None
    if parts.scheme not in ("http", "https"):
        raise ProbeRefusedError("the endpoint must be an http:// or https:// URL")
    if not parts.hostname:
        raise ProbeRefusedError("the endpoint URL names no host")
    if parts.username is not None or parts.password is not None:
        raise ProbeRefusedError(
            "the endpoint URL carries user information (user:password@); the probe sends none"
        )
    if parts.query or parts.fragment:
        raise ProbeRefusedError("the endpoint URL has a query or fragment; give scheme://host:port[/path]")
    host = parts.hostname
    if _aws(host):
        raise ProbeRefusedError(
            f"{host} is the real service: the probe measures emulators only and refuses AWS endpoints"
        )
    allowed = {h.lower().rstrip(".") for h in allow_hosts}
    if not is_loopback(host) and host.lower().rstrip(".") not in allowed:
        raise ProbeRefusedError(
            f"{host} is not a loopback address; name it with --allow-host {host} to probe it"
        )
    default = 443 if parts.scheme == "https" else 80
    return Endpoint(parts.scheme, host, port or default, parts.path or "/")
