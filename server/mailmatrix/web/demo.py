"""The demo page: what MailMatrix already knows about addresses, in a normal browser.

It grows into the mail-client-like demo with the task pane when the panel lands; today it shows
the address intelligence on an export-trade sample and checks any address typed in.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from mailmatrix.addresses.classify import classify_address
from mailmatrix.mx_lookup import mx_lookup_of

bp = Blueprint("demo", __name__)

# One buyer's many mailboxes, and the traps that come with them.
SAMPLE_ADDRESSES = (
    '"Wei, Li" <li.wei@acme-gmbh.de>',
    "Li Wei <LI.WEI+alibaba@googlemail.com>",
    "Li Wei <liwei.secure@proton.me>",
    "purchasing@acme-gmbh.de",
    "=?UTF-8?B?5p2O5Lyf?= <li.wei@163.com>",
    "Hans Müller <hans.mueller@gmx.de>",
    "Tanaka Taro <t.tanaka@yahoo.co.jp>",
    "Ana Souza <ana.souza@uol.com.br>",
    "Omar <omar@tutanota.com>",
    "buyer@mailinator.com",
    "noreply@marketplace.amazon.de",
    "Li Wei <li.wei@acme-grnbh.de>",
    "not-an-address",
)


@bp.get("/")
def index() -> str:
    mx_hosts = mx_lookup_of(current_app).known
    checked_text = request.args.get("address", "").strip()
    checked = classify_address(checked_text, mx_hosts=mx_hosts) if checked_text else None
    samples = [classify_address(text, mx_hosts=mx_hosts) for text in SAMPLE_ADDRESSES]
    return render_template("demo.html", samples=samples, checked=checked,
                           checked_text=checked_text)
