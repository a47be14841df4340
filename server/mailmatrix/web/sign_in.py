"""Sign-in without Office SSO: a dialog the pane opens (``displayDialogAsync``) when
``getAccessToken`` fails with a 13xxx error (SSO unavailable, e.g. some Outlook versions).

The dialog runs msal's authorization-code flow (with PKCE) on this server against the
organizations endpoint, asks for a token for our own API (``access_as_user``), and hands it to
the pane with ``messageParent``. The pane then uses it exactly like an SSO token.
"""

from __future__ import annotations

import msal
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

bp = Blueprint("sign_in", __name__, url_prefix="/auth")
FLOW_KEY = "mailmatrix.sign_in_flow"
HTTP_CLIENT = "mailmatrix.sign_in_http"  # tests inject Entra's recorded answers here


def _application() -> msal.ConfidentialClientApplication:
    config = current_app.config
    client_id, secret = config.get("ENTRA_CLIENT_ID"), config.get("ENTRA_CLIENT_SECRET")
    if not client_id or not secret:
        abort(404)  # not a Microsoft 365 deployment
    return msal.ConfidentialClientApplication(
        str(client_id), client_credential=str(secret),
        authority="https://login.microsoftonline.com/organizations",
        http_client=current_app.extensions.get(HTTP_CLIENT), instance_discovery=False)


def _scopes() -> list[str]:
    config = current_app.config
    resource = config.get("ENTRA_APP_ID_URI") or f"api://{config.get('ENTRA_CLIENT_ID')}"
    return [f"{resource}/{config.get('ENTRA_SCOPE') or 'access_as_user'}"]


@bp.get("/dialog")
def start() -> ResponseReturnValue:
    flow = _application().initiate_auth_code_flow(
        _scopes(), redirect_uri=url_for("sign_in.finish", _external=True),
        prompt="select_account")
    session[FLOW_KEY] = flow
    return redirect(flow["auth_uri"])


@bp.get("/dialog/done")
def finish() -> ResponseReturnValue:
    flow = session.pop(FLOW_KEY, None)
    if not flow:
        return render_template("sign_in_done.html", token=None,
                               error="the sign-in took too long or was started elsewhere"), 400
    try:
        result = _application().acquire_token_by_auth_code_flow(flow, dict(request.args))
    except ValueError:  # state mismatch: a forged or replayed answer
        return render_template("sign_in_done.html", token=None,
                               error="this sign-in answer does not belong to this dialog"), 400
    if "access_token" not in result:
        message = str(result.get("error_description") or result.get("error") or "refused")
        return render_template("sign_in_done.html", token=None,
                               error=message.splitlines()[0]), 401
    return render_template("sign_in_done.html", token=result["access_token"], error=None)
