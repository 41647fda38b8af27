"""Which captured exchanges are Cognito user pools calls: :func:`skip_reason`, :func:`iter_exchanges`.

A capture holds more than Cognito: CORS ``OPTIONS`` preflights, the page's own requests, calls to
other AWS services, often on the same emulator endpoint (LocalStack serves every service on one
port, moto's server answers STS next to Cognito).  An entry is checked when **the exchange itself**
shows it is addressed to Cognito user pools; everything else is skipped and counted in a
:class:`ReadStats` (``preflight`` or ``not_cognito``).  The URL's host is one piece of evidence,
never the only one, because emulators (``http://127.0.0.1:9229/``, ``localhost:4566``, any host a
test chose) carry no name.

The rule, in order (the first that applies decides):

1. ``OPTIONS``: a CORS preflight, skipped (``preflight``).
2. ``X-Amz-Target`` starts with the service's prefix ``AWSCognitoIdentityProviderService.``:
   checked, whatever the host.  An operation the model lacks is then a finding
   (``unknown_operation``): the service answers it ``UnknownOperationException``, and so must an
   emulator.  Nothing with this prefix is skipped.
3. The endpoint is Cognito user pools for certain: its host is an AWS ``cognito-idp`` endpoint
   (``cognito-idp.<region>.amazonaws.com``, the ``-fips`` and ``.amazonaws.com.cn`` forms), or the
   request is SigV4-signed for the service ``cognito-idp`` (the credential scope of
   ``Authorization``; an SDK pointed at an emulator with ``endpoint_url`` signs so).  Checked: a
   missing target is ``missing_target``, another service's target ``foreign_target``.
4. No ``X-Amz-Target`` at all, yet a ``POST`` labelled ``application/x-amz-json-1.1`` (the
   Content-Type of Cognito's protocol), to a host that is not another AWS service's and not signed
   for another service: checked, as ``missing_target``.  No awsJson service can route such a
   request (they all dispatch on the target), so the finding is true whichever service the client
   meant, and an emulator that answers it as a success, or with another service's XML, is shown.
5. Anything else (another service's target on an endpoint that may serve several services, a
   form-encoded STS call, a page's ``GET``): ``not_cognito``.

Why the rule looks at one exchange only, not at the hosts other exchanges of the capture used:
a verdict that depends on the rest of the file would change with how ``--jobs`` cuts it into
ranges, how a Dask bag partitions it and in which order a HAR lists its entries; one exchange's
own headers give the same answer everywhere.  What the capture-wide rule would add is covered or
not true: a targetless awsJson ``POST`` to that host is already checked (rule 4), and a foreign
target on a host that also served Cognito proves nothing on an emulator that serves several
services (LocalStack answers ``AWSCognitoIdentityService.GetId`` on the port of cognito-idp), so it
is reported only where the endpoint is certain to be Cognito's alone (rule 3).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Final

import attrs

from cognito_spec.operations import TARGET_PREFIX
from cognito_spec.protocol.server import content_type_ok
from cognito_spec.traffic.record import Exchange, header

__all__ = ["ReadStats", "iter_exchanges", "signed_service", "skip_reason"]


@attrs.define
class ReadStats:
    """What a reader saw: entries read, and the ones it skipped by reason (``preflight``: a CORS
    ``OPTIONS``; ``not_cognito``: another service or site; see the module documentation)."""

    entries: int = 0
    skipped: Counter[str] = attrs.field(factory=Counter)

    def merge(self, other: ReadStats) -> None:
        self.entries += other.entries
        self.skipped.update(other.skipped)


_PREFIX: Final = TARGET_PREFIX + "."
#: The authority of a URL (userinfo dropped), up to the port or the path.
_HOST: Final = re.compile(r"\A[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]*)", re.IGNORECASE)
#: The service's AWS endpoints (regional, FIPS, China): the only hosts that serve Cognito alone.
_COGNITO_HOST: Final = re.compile(r"cognito-idp(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?\.?", re.I)
#: Hosts of AWS services (any of them): a host of this form that is not Cognito's is another's.
_AWS_HOST: Final = re.compile(r".*\.(?:amazonaws\.com(?:\.cn)?|api\.aws)\.?", re.IGNORECASE)
#: The service of a SigV4 credential scope: ``Credential=<key>/<date>/<region>/<service>/aws4_request``.
_SCOPE: Final = re.compile(r"Credential=[^/,\s]*/[0-9]{8}/[^/,\s]*/([^/,\s]+)/aws4_request")


def _host(url: str) -> str:
    m = _HOST.match(url)
    return m.group(1) if m is not None else ""


def signed_service(ex: Exchange) -> str | None:
    """The service a SigV4-signed request is signed for (its credential scope), or None unsigned."""
    value = header(ex.request_headers, "authorization")
    if value is None:
        return None
    m = _SCOPE.search(value)
    return m.group(1) if m is not None else None


def skip_reason(ex: Exchange) -> str | None:
    """Why a reader skips this exchange (``preflight``, ``not_cognito``), or None to check it.

    The rule is the module's (one exchange decides, never the rest of the capture).
    """
    if ex.method.upper() == "OPTIONS":
        return "preflight"
    target = header(ex.request_headers, "x-amz-target")
    if target is not None and target.startswith(_PREFIX):
        return None
    host = _host(ex.url)
    signed = signed_service(ex)
    if _COGNITO_HOST.fullmatch(host) is not None or signed == "cognito-idp":
        return None
    if (
        not target
        and ex.method.upper() == "POST"
        and signed is None
        and _AWS_HOST.fullmatch(host) is None
        and content_type_ok(header(ex.request_headers, "content-type"))
    ):
        return None
    return "not_cognito"


def iter_exchanges(exchanges: Iterable[Exchange], stats: ReadStats | None = None) -> Iterator[Exchange]:
    """The exchanges to validate: skips what :func:`skip_reason` names, counting it in ``stats``."""
    if stats is None:
        stats = ReadStats()
    for ex in exchanges:
        stats.entries += 1
        reason = skip_reason(ex)
        if reason is None:
            yield ex
            continue
        stats.skipped[reason] += 1
