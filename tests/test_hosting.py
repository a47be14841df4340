"""Hosting of corporate domains from MX records, looked up off the request path."""

from __future__ import annotations

import threading

import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import pytest

from mailmatrix.addresses import hosting_from_mx
from mailmatrix.mx_lookup import MxLookup


@pytest.mark.parametrize(
    ("mx_hosts", "hosting"),
    [
        (["aspmx.l.google.com", "alt1.aspmx.l.google.com"], "Google Workspace"),
        (["smtp.google.com"], "Google Workspace"),
        (["acme-de.mail.protection.outlook.com"], "Microsoft 365"),
        (["acme-de.r-v1.mx.microsoft"], "Microsoft 365"),
        (["mx.zoho.eu", "mx2.zoho.eu"], "Zoho Mail"),
        (["mx1.notes.na.collabserv.com"], "IBM Verse / Notes"),
        (["mxbiz1.qq.com"], "Tencent Exmail"),
        (["mxw.mxhichina.com"], "Alibaba Mail"),
        (["mx.yandex.net"], "Yandex 360"),
        (["mail.acme-gmbh.de"], "self-hosted"),
        ([], "self-hosted"),
        (["."], "no mail"),
        (["eu-smtp-inbound-1.mimecast.com"], "unknown"),
        (["mx.some-isp.example"], "unknown"),
    ],
)
def test_mx_records_name_the_hosting(mx_hosts: list[str], hosting: str) -> None:
    verdict = hosting_from_mx("acme-gmbh.de", mx_hosts)
    assert verdict.name == hosting and verdict.reason


def test_security_gateway_says_the_real_host_is_hidden() -> None:
    assert "Mimecast" in hosting_from_mx("acme.de", ["eu-smtp-1.mimecast.com"]).reason


def _mx_answer(domain: str, *exchanges: tuple[int, str]) -> dns.resolver.Answer:
    """A real dnspython Answer, as a recursive resolver would return it."""
    records = "\n".join(f"{domain}. 3600 IN MX {pref} {host}" for pref, host in exchanges)
    response = dns.message.from_text(
        f"id 4242\nopcode QUERY\nrcode NOERROR\nflags QR RD RA\n;QUESTION\n{domain}. IN MX\n"
        f";ANSWER\n{records}\n;AUTHORITY\n;ADDITIONAL\n"
    )
    return dns.resolver.Answer(dns.name.from_text(domain), dns.rdatatype.MX,
                               dns.rdataclass.IN, response)


class FakeResolver:
    """Stands in for dns.resolver.Resolver at the network edge."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.release = threading.Event()
        self.release.set()

    def resolve(self, qname: str, rdtype: str, *, lifetime: float) -> dns.resolver.Answer:
        self.queries.append(qname)
        self.release.wait(5)
        if qname == "acme-gmbh.de":
            return _mx_answer(qname, (20, "alt1.aspmx.l.google.com."), (10, "aspmx.l.google.com."))
        if qname == "no-such-company.de":
            raise dns.resolver.NXDOMAIN()
        if qname == "null-mx.de":
            return _mx_answer(qname, (0, "."))
        if qname == "slow.de":
            raise dns.resolver.LifetimeTimeout(timeout=lifetime, errors=[])
        raise dns.resolver.NoAnswer()


def test_panel_path_never_waits_for_dns() -> None:
    resolver = FakeResolver()
    resolver.release.clear()  # DNS hangs
    lookup = MxLookup(resolver, timeout=0.2)
    assert lookup.known("acme-gmbh.de") is None  # answers at once while the lookup is queued
    resolver.release.set()
    assert lookup.lookup_now("acme-gmbh.de") == ("aspmx.l.google.com", "alt1.aspmx.l.google.com")
    lookup.close()


def test_answers_are_cached_and_queried_once() -> None:
    resolver = FakeResolver()
    lookup = MxLookup(resolver)
    lookup.lookup_now("acme-gmbh.de")
    lookup.lookup_now("acme-gmbh.de")
    assert lookup.known("acme-gmbh.de") is not None
    assert resolver.queries == ["acme-gmbh.de"]
    lookup.close()


def test_nonexistent_domain_and_null_mx_receive_no_mail() -> None:
    lookup = MxLookup(FakeResolver())
    for domain in ("no-such-company.de", "null-mx.de"):
        assert hosting_from_mx(domain, lookup.lookup_now(domain) or ["?"]).name == "no mail"
    lookup.close()


def test_timeout_leaves_hosting_unknown_and_is_not_retried_at_once() -> None:
    resolver = FakeResolver()
    lookup = MxLookup(resolver, timeout=0.1)
    assert lookup.lookup_now("slow.de") is None
    assert lookup.known("slow.de") is None
    assert resolver.queries == ["slow.de"]
    lookup.close()
