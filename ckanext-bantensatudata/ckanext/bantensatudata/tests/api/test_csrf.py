"""One API-token request must not switch CSRF off for a form view (CKAN core does that)."""
from __future__ import annotations

import re

import ckan.model as model
import pytest
from ckan.config.middleware.flask_app import csrf
from ckan.tests import factories

PASSWORD = "RahasiaSekali-123"


def _csrf_token(app, url: str) -> str:
    page = app.get(url).get_data(as_text=True)
    match = re.search(r'name="_csrf_token" (?:value|content)="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


@pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.enabled", False)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_token_request_does_not_leave_a_form_view_unprotected(app):
    user = factories.Sysadmin(password=PASSWORD)
    token = factories.APIToken(user=user["name"])["token"]

    # a token-authenticated request to the form view: allowed without a CSRF token
    app.post("/organization/new", headers={"Authorization": token},
             data={"name": "via-token", "title": "Via token", "save": ""}, follow_redirects=False)
    assert "ckan.views.group.CreateGroupView" not in csrf._exempt_views

    # a browser session posting without a token is refused and creates nothing
    response = app.post("/user/login", follow_redirects=False, data={
        "login": user["name"], "password": PASSWORD, "_csrf_token": _csrf_token(app, "/user/login")})
    assert response.status_code == 302
    response = app.post("/organization/new", data={"name": "forged", "title": "Forged", "save": ""},
                        follow_redirects=False)
    assert response.status_code in (400, 403)
    assert model.Group.get("forged") is None
