"""Citizen sign-in through an OpenID Connect identity provider (the way national e-ID sign-in
works): the authorization code flow with state and nonce, done by Authlib's Flask client, which
reads the provider's discovery document, exchanges the code and checks the ID token's signature
(the provider's published keys), issuer, audience, expiry and nonce.

Configured by MOTCUA_OIDC_ISSUER, MOTCUA_OIDC_CLIENT_ID, MOTCUA_OIDC_CLIENT_SECRET and
MOTCUA_OIDC_NAME (the name on the button, e.g. "VNeID"). Without an issuer there is no provider and
citizens sign in by a code sent by mail.
"""
from __future__ import annotations

from dataclasses import dataclass

from authlib.integrations.flask_client import OAuth

CLIENT_NAME = "citizen_identity"


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    claims: dict


class IdentityProvider:
    def __init__(self, app, *, issuer: str, client_id: str, client_secret: str, name: str = ""):
        self.issuer = issuer.rstrip("/")
        self.name = name or "OpenID Connect"
        oauth = OAuth(app)
        self._client = oauth.register(
            CLIENT_NAME, client_id=client_id, client_secret=client_secret,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile phone", "timeout": 10})

    def start(self, redirect_uri: str):
        """The redirect to the provider; state and nonce are kept in the session."""
        return self._client.authorize_redirect(redirect_uri)

    def finish(self) -> Identity:
        """Called on the way back: exchanges the code and returns the verified identity. Raises
        authlib's OAuthError (or a network error) when the answer cannot be trusted."""
        token = self._client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise ValueError("the ID token names no subject")
        return Identity(issuer=str(claims.get("iss") or self.issuer), subject=str(claims["sub"]), claims=claims)


def from_config(app) -> IdentityProvider | None:
    issuer = app.config.get("OIDC_ISSUER", "")
    if not issuer:
        return None
    return IdentityProvider(app, issuer=issuer, client_id=app.config.get("OIDC_CLIENT_ID", ""),
                            client_secret=app.config.get("OIDC_CLIENT_SECRET", ""),
                            name=app.config.get("OIDC_NAME", ""))
