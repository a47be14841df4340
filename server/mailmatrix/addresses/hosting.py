"""Who hosts a corporate domain's mail, read from its MX records.

Pure: the caller supplies the MX host names (the app looks them up with dnspython in the
background). Hosting matters for linking: Google Workspace and Microsoft 365 deliver
``a+tag@`` to ``a@``, so the two are one mailbox there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mailmatrix.addresses.domains import registrable_domain

GOOGLE_WORKSPACE = "Google Workspace"
MICROSOFT_365 = "Microsoft 365"
UNKNOWN = "unknown"
SELF_HOSTED = "self-hosted"
NO_MAIL = "no mail"

# MX host suffixes of hosted mail services. Order matters only for readability.
MX_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("aspmx.l.google.com", GOOGLE_WORKSPACE),
    ("googlemail.com", GOOGLE_WORKSPACE),
    ("smtp.google.com", GOOGLE_WORKSPACE),
    ("mail.protection.outlook.com", MICROSOFT_365),
    ("mx.microsoft", MICROSOFT_365),
    ("protection.outlook.de", MICROSOFT_365),
    ("zoho.com", "Zoho Mail"),
    ("zoho.eu", "Zoho Mail"),
    ("zoho.in", "Zoho Mail"),
    ("zoho.com.au", "Zoho Mail"),
    ("zoho.jp", "Zoho Mail"),
    ("zohocloud.ca", "Zoho Mail"),
    ("zoho.sa", "Zoho Mail"),
    ("collabserv.com", "IBM Verse / Notes"),
    ("notes.ibm.com", "IBM Verse / Notes"),
    ("hclcloud.com", "IBM Verse / Notes"),
    ("qq.com", "Tencent Exmail"),
    ("exmail.qq.com", "Tencent Exmail"),
    ("mxhichina.com", "Alibaba Mail"),
    ("qiye.aliyun.com", "Alibaba Mail"),
    ("mxmail.netease.com", "NetEase Enterprise Mail"),
    ("qiye.163.com", "NetEase Enterprise Mail"),
    ("mx.yandex.net", "Yandex 360"),
    ("mx.yandex.ru", "Yandex 360"),
    ("protonmail.ch", "Proton Mail"),
    ("messagingengine.com", "Fastmail"),
    ("icloud.com", "iCloud Mail"),
    ("secureserver.net", "GoDaddy"),
    ("ionos.de", "IONOS"),
    ("ionos.com", "IONOS"),
    ("kundenserver.de", "IONOS"),
    ("ovh.net", "OVHcloud"),
    ("mail.ovh.net", "OVHcloud"),
    ("strato.de", "STRATO"),
    ("rzone.de", "STRATO"),
    ("yahoodns.net", "Yahoo"),
    ("mailbox.org", "mailbox.org"),
    ("tutanota.de", "Tuta"),
)

# Security gateways filter mail in front of the real host: the host behind them is unknown.
GATEWAY_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("mimecast.com", "Mimecast"),
    ("pphosted.com", "Proofpoint"),
    ("ppe-hosted.com", "Proofpoint"),
    ("barracudanetworks.com", "Barracuda"),
    ("iphmx.com", "Cisco Secure Email"),
    ("messagelabs.com", "Broadcom Email Security"),
    ("trendmicro.com", "Trend Micro"),
    ("trendmicro.eu", "Trend Micro"),
    ("sophos.com", "Sophos"),
    ("hornetsecurity.com", "Hornetsecurity"),
    ("antispameurope.com", "Hornetsecurity"),
    ("spamexperts.com", "SpamExperts"),
)


@dataclass(frozen=True)
class Hosting:
    name: str  # "Google Workspace", "Microsoft 365", ..., "self-hosted", "unknown", "no mail"
    reason: str


# What the app injects: given a domain, its MX host names if already known (None = not yet).
MxHostsLookup = Callable[[str], Sequence[str] | None]


def hosting_from_mx(domain: str, mx_hosts: Sequence[str]) -> Hosting:
    """Name the mail host of ``domain`` from its MX host names (best preference first)."""
    hosts = [host.rstrip(".").lower() for host in mx_hosts]
    if hosts == [""]:
        return Hosting(NO_MAIL, f"{domain} receives no mail (a null MX, or no such domain)")
    hosts = [host for host in hosts if host]
    if not hosts:
        return Hosting(SELF_HOSTED, f"{domain} has no MX records: mail goes to the domain itself")
    for host in hosts:
        for suffix, service in MX_SUFFIXES:
            if host == suffix or host.endswith("." + suffix):
                return Hosting(service, f"MX {host} belongs to {service}")
    for host in hosts:
        for suffix, gateway in GATEWAY_SUFFIXES:
            if host == suffix or host.endswith("." + suffix):
                return Hosting(UNKNOWN, f"MX {host} is a {gateway} gateway that hides the host")
    own = registrable_domain(domain)
    if own is not None and all(registrable_domain(host) == own for host in hosts):
        return Hosting(SELF_HOSTED, f"MX {hosts[0]} is inside {own}")
    return Hosting(UNKNOWN, f"MX {hosts[0]} is not a known mail service")


def hosting_for(domain: str, lookup: MxHostsLookup | None) -> Hosting:
    """Hosting if the injected lookup already knows the MX records; never waits for DNS."""
    if lookup is None:
        return Hosting(UNKNOWN, "no MX lookup available")
    hosts = lookup(domain)
    if hosts is None:
        return Hosting(UNKNOWN, f"MX records of {domain} not looked up yet")
    return hosting_from_mx(domain, hosts)
