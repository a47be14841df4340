"""Mailbox providers by domain: what kind of mailbox they host and how they read a local part.

Each provider's sub-addressing rule is its own, as its help pages describe it. Where a provider
documents no rule, the local part is kept whole: a wrong merge would link two people, a missed
one only leaves a suggestion for later. ``canonical_domain`` is set only where every domain of
the provider names one account namespace (the same user owns ``x@googlemail.com`` and
``x@gmail.com``), never merely because one company runs several services.
"""

from __future__ import annotations

from dataclasses import dataclass

PERSONAL = "personal"
ENCRYPTED = "encrypted"
REGIONAL = "regional"
PLATFORM = "platform"


@dataclass(frozen=True)
class Provider:
    name: str
    kind: str
    domains: tuple[str, ...]
    region: str | None = None  # ISO 3166-1 alpha-2 of a national provider
    canonical_domain: str | None = None
    tag_separator: str | None = None  # "+" where "user+tag" reaches "user"
    ignored_characters: str = ""  # characters the provider ignores in the mailbox name
    hyphen_for_dot: bool = False  # Yandex: a dot and a hyphen name the same login
    subdomain_addressing: bool = False  # Fastmail: "anything@user.fastmail.com"
    rule: str = "local part compared case-insensitively, kept whole"


PROVIDERS: tuple[Provider, ...] = (
    # --- global free-mail -------------------------------------------------------------------
    Provider(
        "Gmail", PERSONAL, ("gmail.com", "googlemail.com"),
        canonical_domain="gmail.com", tag_separator="+", ignored_characters=".",
        rule="Gmail ignores dots and case, '+tag' reaches the same inbox; "
        "googlemail.com = gmail.com",
    ),
    Provider(
        "Outlook.com", PERSONAL,
        ("outlook.com", "hotmail.com", "live.com", "msn.com", "windowslive.com", "passport.com",
         "outlook.de", "outlook.fr", "outlook.es", "outlook.it", "outlook.jp", "outlook.com.br",
         "hotmail.co.uk", "hotmail.fr", "hotmail.de", "hotmail.es", "hotmail.it", "hotmail.co.jp",
         "hotmail.com.br", "hotmail.com.ar", "hotmail.com.tr", "hotmail.nl", "hotmail.be",
         "live.co.uk", "live.fr", "live.de", "live.nl", "live.it", "live.com.mx", "live.cn",
         "live.jp", "live.ca", "live.com.au"),
        tag_separator="+",
        rule="Outlook.com keeps dots, '+tag' reaches the same inbox; each domain is its own "
        "namespace",
    ),
    Provider(
        "Yahoo Mail", PERSONAL,
        ("yahoo.com", "ymail.com", "rocketmail.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
         "yahoo.es", "yahoo.it", "yahoo.ca", "yahoo.com.br", "yahoo.com.mx", "yahoo.com.ar",
         "yahoo.in", "yahoo.co.in", "yahoo.com.au", "yahoo.com.sg", "yahoo.com.hk", "yahoo.com.tw",
         "yahoo.com.vn", "yahoo.com.ph", "yahoo.co.id", "yahoo.gr", "yahoo.se", "yahoo.ie"),
        rule="Yahoo's disposable 'base-keyword' addresses use a base that is not the mailbox name, "
        "so nothing is stripped",
    ),
    Provider("AOL Mail", PERSONAL, ("aol.com", "aim.com", "aol.de", "aol.fr", "aol.co.uk")),
    Provider(
        "iCloud Mail", PERSONAL, ("icloud.com", "me.com", "mac.com"),
        canonical_domain="icloud.com", tag_separator="+",
        rule="iCloud: a me.com or mac.com name is the same account as at icloud.com; '+tag' "
        "reaches the same inbox",
    ),
    Provider(
        "Zoho Mail", PERSONAL,
        ("zohomail.com", "zoho.com", "zohomail.eu", "zoho.eu", "zohomail.in", "zoho.in",
         "zohomail.com.au", "zohomail.jp"),
        tag_separator="+", rule="Zoho Mail: '+tag' sub-addresses reach the same inbox",
    ),
    Provider(
        "Fastmail", PERSONAL,
        ("fastmail.com", "fastmail.fm", "fastmail.net", "fastmail.org", "fastmail.us",
         "fastmail.cn", "fastmail.de", "fastmail.es", "fastmail.fr", "fastmail.it", "fastmail.jp",
         "fastmail.co.uk", "fastmail.to", "fastmail.mx", "fastmail.in", "fastmail.se",
         "messagingengine.com"),
        tag_separator="+", subdomain_addressing=True,
        rule="Fastmail: '+tag' and 'tag@user.domain' sub-addresses reach the same inbox",
    ),
    Provider("Mail.com", PERSONAL,
             ("mail.com", "email.com", "usa.com", "post.com", "consultant.com", "engineer.com",
              "myself.com", "dr.com", "europe.com", "asia.com")),
    Provider("HEY", PERSONAL, ("hey.com",), tag_separator="+",
             rule="HEY: '+tag' reaches the same inbox"),
    Provider("DuckDuckGo Email Protection", PERSONAL, ("duck.com",),
             rule="duck.com forwards to a private inbox; each alias is its own address"),
    # --- encrypted / privacy-first ---------------------------------------------------------------
    Provider(
        "Proton Mail", ENCRYPTED, ("proton.me", "protonmail.com", "protonmail.ch", "pm.me"),
        region="CH", canonical_domain="proton.me", tag_separator="+", ignored_characters="._-",
        rule="Proton ignores case, dots, hyphens and underscores in usernames, '+tag' reaches the "
        "same inbox; protonmail.com, protonmail.ch and pm.me name the same account as proton.me",
    ),
    Provider("Tuta", ENCRYPTED,
             ("tuta.com", "tutanota.com", "tutanota.de", "tutamail.com", "tuta.io", "keemail.me"),
             region="DE"),
    Provider("Hushmail", ENCRYPTED, ("hushmail.com", "hush.com", "hush.ai", "hushmail.me",
                                     "mac.hush.com"), region="CA"),
    Provider("Mailfence", ENCRYPTED, ("mailfence.com",), region="BE", tag_separator="+",
             rule="Mailfence: '+tag' sub-addresses reach the same inbox"),
    Provider("Posteo", ENCRYPTED, ("posteo.de", "posteo.net", "posteo.org", "posteo.eu",
                                   "posteo.at", "posteo.ch", "posteo.me", "posteo.us"),
             region="DE", tag_separator="+", rule="Posteo: '+tag' reaches the same inbox"),
    Provider("StartMail", ENCRYPTED, ("startmail.com",), region="NL"),
    Provider("CounterMail", ENCRYPTED, ("countermail.com",), region="SE"),
    Provider("mailbox.org", ENCRYPTED, ("mailbox.org",), region="DE", tag_separator="+",
             rule="mailbox.org: '+tag' reaches the same inbox"),
    Provider("Runbox", ENCRYPTED, ("runbox.com",), region="NO"),
    Provider("Disroot", ENCRYPTED, ("disroot.org",), region="NL"),
    Provider("Kolab Now", ENCRYPTED, ("kolabnow.com", "kolabnow.ch", "mykolab.com"), region="CH"),
    Provider("Criptext", ENCRYPTED, ("criptext.com",)),
    # --- national and regional providers ---------------------------------------------------------
    Provider("GMX", REGIONAL, ("gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.com", "gmx.us",
                               "gmx.fr", "gmx.es", "gmx.co.uk", "gmx.eu"), region="DE"),
    Provider("WEB.DE", REGIONAL, ("web.de",), region="DE"),
    Provider("T-Online", REGIONAL, ("t-online.de", "magenta.de"), region="DE"),
    Provider("freenet", REGIONAL, ("freenet.de",), region="DE"),
    Provider("Yahoo! Japan Mail", REGIONAL, ("yahoo.co.jp", "ymail.ne.jp"), region="JP"),
    Provider("NTT Docomo", REGIONAL, ("docomo.ne.jp",), region="JP"),
    Provider("au (KDDI)", REGIONAL, ("ezweb.ne.jp", "au.com"), region="JP"),
    Provider("SoftBank", REGIONAL, ("i.softbank.jp", "softbank.ne.jp"), region="JP"),
    Provider("@nifty", REGIONAL, ("nifty.com",), region="JP"),
    Provider("OCN", REGIONAL, ("ocn.ne.jp",), region="JP"),
    Provider("BIGLOBE", REGIONAL, ("biglobe.ne.jp",), region="JP"),
    Provider("Naver Mail", REGIONAL, ("naver.com",), region="KR"),
    Provider("Daum Mail", REGIONAL, ("daum.net", "hanmail.net"), region="KR"),
    Provider("Nate Mail", REGIONAL, ("nate.com",), region="KR"),
    Provider("QQ Mail", REGIONAL, ("qq.com", "foxmail.com", "vip.qq.com"), region="CN"),
    Provider("NetEase Mail", REGIONAL, ("163.com", "126.com", "yeah.net", "vip.163.com",
                                        "vip.126.com", "188.com"), region="CN"),
    Provider("Sina Mail", REGIONAL, ("sina.com", "sina.cn", "vip.sina.com"), region="CN"),
    Provider("Sohu Mail", REGIONAL, ("sohu.com",), region="CN"),
    Provider("China Mobile 139", REGIONAL, ("139.com",), region="CN"),
    Provider("Aliyun Mail", REGIONAL, ("aliyun.com",), region="CN"),
    Provider("HiNet", REGIONAL, ("hinet.net", "ms1.hinet.net"), region="TW"),
    Provider("PChome", REGIONAL, ("pchome.com.tw",), region="TW"),
    Provider("Mail.ru", REGIONAL, ("mail.ru", "bk.ru", "inbox.ru", "list.ru", "internet.ru"),
             region="RU"),
    Provider(
        "Yandex Mail", REGIONAL,
        ("yandex.ru", "yandex.com", "ya.ru", "yandex.by", "yandex.kz", "yandex.ua",
         "yandex.com.tr", "narod.ru"),
        region="RU", canonical_domain="yandex.ru", tag_separator="+", hyphen_for_dot=True,
        rule="Yandex: all its domains name one login, a dot equals a hyphen, '+tag' reaches the "
        "same inbox",
    ),
    Provider("Rambler", REGIONAL, ("rambler.ru", "ro.ru", "lenta.ru", "autorambler.ru"),
             region="RU"),
    Provider("UKR.NET", REGIONAL, ("ukr.net",), region="UA"),
    Provider("Seznam", REGIONAL, ("seznam.cz", "email.cz", "post.cz", "spoluzaci.cz"), region="CZ"),
    Provider("Centrum", REGIONAL, ("centrum.cz", "atlas.cz", "centrum.sk"), region="CZ"),
    Provider("Onet Poczta", REGIONAL, ("onet.pl", "op.pl", "poczta.onet.pl", "onet.eu"),
             region="PL"),
    Provider("WP Poczta", REGIONAL, ("wp.pl", "o2.pl", "tlen.pl"), region="PL"),
    Provider("Interia", REGIONAL, ("interia.pl", "interia.eu", "poczta.fm"), region="PL"),
    Provider("Libero Mail", REGIONAL, ("libero.it", "iol.it", "inwind.it", "blu.it"), region="IT"),
    Provider("Virgilio", REGIONAL, ("virgilio.it", "tin.it", "alice.it", "tim.it"), region="IT"),
    Provider("Tiscali", REGIONAL, ("tiscali.it",), region="IT"),
    Provider("Orange", REGIONAL, ("orange.fr", "wanadoo.fr"), region="FR"),
    Provider("Free", REGIONAL, ("free.fr",), region="FR"),
    Provider("SFR", REGIONAL, ("sfr.fr", "neuf.fr", "club-internet.fr"), region="FR"),
    Provider("La Poste", REGIONAL, ("laposte.net",), region="FR"),
    Provider("Telefónica Movistar", REGIONAL, ("telefonica.net", "movistar.es"), region="ES"),
    Provider("Bluewin", REGIONAL, ("bluewin.ch",), region="CH"),
    Provider("A1", REGIONAL, ("aon.at", "a1.net"), region="AT"),
    Provider("Telenet", REGIONAL, ("telenet.be",), region="BE"),
    Provider("Proximus", REGIONAL, ("skynet.be", "proximus.be"), region="BE"),
    Provider("KPN", REGIONAL, ("kpnmail.nl", "planet.nl", "hetnet.nl"), region="NL"),
    Provider("Ziggo", REGIONAL, ("ziggo.nl", "home.nl", "casema.nl"), region="NL"),
    Provider("BT", REGIONAL, ("btinternet.com", "btopenworld.com"), region="GB"),
    Provider("Sky", REGIONAL, ("sky.com",), region="GB"),
    Provider("Virgin Media", REGIONAL, ("virginmedia.com", "ntlworld.com", "blueyonder.co.uk"),
             region="GB"),
    Provider("Telia", REGIONAL, ("telia.com",), region="SE"),
    Provider("ABV", REGIONAL, ("abv.bg",), region="BG"),
    Provider("Walla", REGIONAL, ("walla.co.il", "walla.com"), region="IL"),
    Provider("Rediffmail", REGIONAL, ("rediffmail.com", "rediff.com"), region="IN"),
    Provider("UOL", REGIONAL, ("uol.com.br",), region="BR"),
    Provider("BOL", REGIONAL, ("bol.com.br",), region="BR"),
    Provider("Terra", REGIONAL, ("terra.com.br",), region="BR"),
    Provider("Comcast Xfinity", REGIONAL, ("comcast.net",), region="US"),
    Provider("Verizon", REGIONAL, ("verizon.net",), region="US"),
    Provider("AT&T", REGIONAL, ("att.net", "sbcglobal.net", "bellsouth.net"), region="US"),
    Provider("Cox", REGIONAL, ("cox.net",), region="US"),
    Provider("Charter Spectrum", REGIONAL, ("charter.net", "twc.com", "rr.com"), region="US"),
    Provider("Shaw", REGIONAL, ("shaw.ca",), region="CA"),
    Provider("Rogers", REGIONAL, ("rogers.com",), region="CA"),
    Provider("Bell Canada", REGIONAL, ("sympatico.ca", "bell.net"), region="CA"),
    Provider("Telstra BigPond", REGIONAL, ("bigpond.com", "bigpond.net.au", "telstra.com"),
             region="AU"),
    Provider("Optus", REGIONAL, ("optusnet.com.au",), region="AU"),
    Provider("Xtra", REGIONAL, ("xtra.co.nz",), region="NZ"),
    Provider("Mweb", REGIONAL, ("mweb.co.za",), region="ZA"),
    Provider("Prodigy", REGIONAL, ("prodigy.net.mx",), region="MX"),
    # --- relay and notification addresses of marketplaces and social networks --------------------
    Provider("Amazon Marketplace", PLATFORM,
             ("marketplace.amazon.com", "marketplace.amazon.de", "marketplace.amazon.co.uk",
              "marketplace.amazon.fr", "marketplace.amazon.it", "marketplace.amazon.es",
              "marketplace.amazon.co.jp", "marketplace.amazon.ca", "marketplace.amazon.com.mx",
              "marketplace.amazon.in", "marketplace.amazon.com.au", "marketplace.amazon.ae")),
    Provider("eBay", PLATFORM, ("members.ebay.com", "members.ebay.de", "members.ebay.co.uk",
                                "reply.ebay.com", "ebay.com")),
    Provider("Alibaba.com", PLATFORM, ("alibaba.com", "service.alibaba.com", "notice.alibaba.com",
                                       "aliexpress.com", "1688.com")),
    Provider("Made-in-China.com", PLATFORM, ("made-in-china.com",)),
    Provider("Global Sources", PLATFORM, ("globalsources.com",)),
    Provider("IndiaMART", PLATFORM, ("indiamart.com",)),
    Provider("LinkedIn", PLATFORM, ("linkedin.com", "bounce.linkedin.com")),
    Provider("Facebook", PLATFORM, ("facebookmail.com", "facebook.com", "instagram.com")),
    Provider("WeChat", PLATFORM, ("wechat.com",)),
    Provider("Upwork", PLATFORM, ("upwork.com",)),
    Provider("Etsy", PLATFORM, ("etsy.com",)),
    Provider("Craigslist", PLATFORM, ("reply.craigslist.org",)),
    Provider("Sign in with Apple relay", PLATFORM, ("privaterelay.appleid.com",)),
    Provider("GitHub", PLATFORM, ("users.noreply.github.com",)),
)

PROVIDER_BY_DOMAIN: dict[str, Provider] = {
    domain: provider for provider in PROVIDERS for domain in provider.domains
}

# Sub-address tags that say which platform a variant was registered for ("john+alibaba@...").
PLATFORM_TAGS: dict[str, str] = {
    "alibaba": "Alibaba.com", "aliexpress": "AliExpress", "1688": "Alibaba 1688",
    "amazon": "Amazon", "ebay": "eBay", "linkedin": "LinkedIn", "facebook": "Facebook",
    "fb": "Facebook", "instagram": "Instagram", "wechat": "WeChat",
    "madeinchina": "Made-in-China.com",
    "mic": "Made-in-China.com", "globalsources": "Global Sources", "indiamart": "IndiaMART",
    "tradekey": "TradeKey", "upwork": "Upwork", "etsy": "Etsy", "shopify": "Shopify",
    "paypal": "PayPal", "twitter": "X (Twitter)", "xing": "XING", "canton": "Canton Fair",
    "cantonfair": "Canton Fair", "dhgate": "DHgate", "temu": "Temu", "shein": "SHEIN",
}


def provider_for_domain(domain: str) -> Provider | None:
    """The provider hosting ``domain`` or one of its parents (``vip.qq.com`` -> QQ Mail)."""
    name = domain
    while True:
        provider = PROVIDER_BY_DOMAIN.get(name)
        if provider is not None:
            return provider
        dot = name.find(".")
        if dot < 0 or name.count(".") < 2:
            return None
        name = name[dot + 1 :]
