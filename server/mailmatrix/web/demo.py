"""The demo in a normal browser: a mail client's inbox with the real task pane beside it
(driven through a stand-in for Office.js), and an address check.

The inbox is there only in demo mode (``mailmatrix demo``); the address check always is.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue

from mailmatrix.addresses.classify import classify_address
from mailmatrix.mx_lookup import mx_lookup_of
from mailmatrix.web.demo_mailbox import INBOX

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
def inbox() -> ResponseReturnValue:
    if not current_app.config.get("DEMO_MODE"):
        return redirect("/check")
    selected = request.args.get("message", "0")
    number = int(selected) if selected.isdigit() and int(selected) < len(INBOX) else 0
    return render_template("demo_client.html", inbox=INBOX, selected=number)


@bp.get("/demo/messages/<int:number>")
def demo_message(number: int) -> ResponseReturnValue:
    if not current_app.config.get("DEMO_MODE") or number >= len(INBOX):
        abort(404)
    return jsonify(INBOX[number])


@bp.get("/check")
def index() -> str:
    mx_hosts = mx_lookup_of(current_app).known
    checked_text = request.args.get("address", "").strip()
    checked = classify_address(checked_text, mx_hosts=mx_hosts) if checked_text else None
    samples = [classify_address(text, mx_hosts=mx_hosts) for text in SAMPLE_ADDRESSES]
    return render_template("demo.html", samples=samples, checked=checked,
                           checked_text=checked_text)
