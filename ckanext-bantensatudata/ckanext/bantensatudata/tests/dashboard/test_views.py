"""Pages, CSV exports and the access admin page of the leadership dashboard."""
from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest
from bs4 import BeautifulSoup

from ckanext.bantensatudata.dashboard import access

from . import expected
from .conftest import PASSWORD, World, grant

ALL = {name for name, _t, _p in expected.ORGS}
KES = {"dinkes", "upt-labkes", "balai-kes"}


def auth(user: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user)["token"]}


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(app: Any, url: str, headers: dict[str, str] | None = None) -> str:
    page = app.get(url, headers=headers or {}).get_data(as_text=True)
    match = re.search(r'name="_csrf_token" (?:value|content)="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def login(app: Any, user: str) -> None:
    """A browser session (cookie), where CSRF protection applies (API tokens are exempt)."""
    response = app.post("/user/login", follow_redirects=False, data={
        "login": user, "password": PASSWORD, "_csrf_token": csrf_token(app, "/user/login")})
    assert response.status_code == 302, "logged in"


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def leaders(world: World) -> World:
    grant(world, "gubernur", "provinsi")
    grant(world, "kadis_kes", "opd", "dinkes")
    return world


class TestPages:
    def test_anonymous_is_sent_to_login(self, app: Any, leaders: World) -> None:
        for url in ("/dashboard-pimpinan", "/dashboard-pimpinan/dinkes", "/dashboard-pimpinan/export/opd.csv"):
            response = app.get(url, follow_redirects=False)
            assert response.status_code == 302
            location = urlparse(response.headers["Location"])
            assert location.path == "/user/login"
            assert parse_qs(location.query)["next"] == [url]

    @pytest.mark.parametrize(("user", "url"), [
        ("orang_biasa", "/dashboard-pimpinan"),
        ("editor_pu", "/dashboard-pimpinan/dinas-pu"),
        ("kadis_kes", "/dashboard-pimpinan/dinas-pu"),
        ("admin_kes", "/dashboard-pimpinan/upt-labkes"),
    ])
    def test_outside_the_tier_is_forbidden(self, app: Any, leaders: World, user: str, url: str) -> None:
        response = app.get(url, headers=auth(user), status=403)
        assert "Anda tidak berhak melihat dashboard ini" in response.get_data(as_text=True)

    def test_unknown_opd_is_404(self, app: Any, leaders: World) -> None:
        response = app.get("/dashboard-pimpinan/tidak-ada", headers=auth("gubernur"), status=404)
        assert "OPD tidak ditemukan" in response.get_data(as_text=True)

    @pytest.mark.parametrize(("user", "url", "scope", "private_orgs"), [
        ("gubernur", "/dashboard-pimpinan", ALL, {"dinas-pu"}),
        ("kadis_kes", "/dashboard-pimpinan", KES, {"upt-labkes"}),
        ("kadis_kes", "/dashboard-pimpinan/upt-labkes", {"upt-labkes", "balai-kes"}, {"upt-labkes"}),
        ("admin_kes", "/dashboard-pimpinan/dinkes", {"dinkes"}, {"dinkes"}),
        ("sysadmin_dash", "/dashboard-pimpinan", ALL, None),
    ])
    def test_page_shows_the_tier_figures(self, app: Any, leaders: World, user: str, url: str,
                                         scope: set[str], private_orgs: set[str] | None) -> None:
        want = expected.figures(scope, private_orgs)
        page = soup(app.get(url, headers=auth(user), status=200))
        card = page.select_one('[data-figure="datasets"] dd')
        assert card is not None and card.text.strip() == str(want["summary"]["datasets"])
        rows = page.select('table[data-table="opd"] tbody tr')
        assert [r.select("td")[0].text.strip() for r in rows] == [r["title"] for r in want["tables"]["opd"]]
        assert [int(r.select("td")[1].text) for r in rows] == [r["datasets"] for r in want["tables"]["opd"]]
        # the SVG chart carries one bar per OPD, with an accessible title
        chart = page.select_one("#opd svg[role=img]")
        assert chart is not None and len(chart.select("rect")) == len(want["tables"]["opd"])
        # OPD outside the tier never appear
        text = page.get_text()
        for name, title, _parent in expected.ORGS:
            if name not in scope:
                assert title not in text

    def test_private_dataset_names_do_not_leak(self, app: Any, leaders: World) -> None:
        page = app.get("/dashboard-pimpinan", headers=auth("gubernur")).get_data(as_text=True)
        assert "kes-rahasia" not in page and "lab-internal" not in page
        assert "pu-rahasia" in page  # the governor is a member of Dinas PU

    def test_page_is_in_indonesian_by_default_and_english_on_request(self, app: Any, leaders: World) -> None:
        page = soup(app.get("/dashboard-pimpinan", headers=auth("gubernur")))
        assert page.select_one("#opd h2").text.strip() == "Dataset per OPD"
        page = soup(app.get("/en/dashboard-pimpinan", headers=auth("gubernur")))
        assert page.select_one("#opd h2").text.strip() == "Datasets per OPD"

    @pytest.mark.parametrize(("query", "field", "message"), [
        ("start=2024-02-30", "start", "Tanggal harus berformat TTTT-BB-HH"),
        ("start=2024-05-01&end=2024-04-01", "end", "Akhir periode tidak boleh sebelum awalnya"),
    ])
    def test_bad_period_is_400_with_the_error_at_the_field(self, app: Any, leaders: World, query: str,
                                                           field: str, message: str) -> None:
        response = app.get(f"/dashboard-pimpinan?{query}", headers=auth("gubernur"), status=400)
        page = soup(response)
        error = page.select_one(f"#bsd-{field}-error")
        assert error is not None and error.text.strip() == message
        assert page.select_one(f"#bsd-{field}")["aria-invalid"] == "true"
        assert page.select_one("[data-figure]") is None  # no figures for a bad request

    def test_period_form_keeps_the_chosen_period(self, app: Any, leaders: World) -> None:
        page = soup(app.get("/dashboard-pimpinan?start=2024-01-01&end=2024-03-31", headers=auth("gubernur")))
        assert page.select_one("#bsd-start")["value"] == "2024-01-01"
        assert page.select_one("#bsd-end")["value"] == "2024-03-31"
        link = page.select_one("#opd a[download]")["href"]
        assert parse_qs(urlparse(link).query) == {"start": ["2024-01-01"], "end": ["2024-03-31"]}


class TestExport:
    def test_every_table_exports_what_the_api_returns(self, app: Any, leaders: World) -> None:
        data = helpers.call_action("bantensatudata_dashboard_show", {"user": "kadis_kes", "ignore_auth": False})
        for table, columns in data["columns"].items():
            response = app.get(f"/dashboard-pimpinan/export/{table}.csv", headers=auth("kadis_kes"), status=200)
            assert response.headers["Content-Type"].startswith("text/csv")
            assert "attachment" in response.headers["Content-Disposition"]
            rows = read_csv(response)
            assert len(rows[0]) == len(columns)
            want = [["" if r[k] is None else str(r[k]) for k in columns] for r in data["tables"][table]]
            assert rows[1:] == want, table

    def test_export_header_is_translated(self, app: Any, leaders: World) -> None:
        rows = read_csv(app.get("/dashboard-pimpinan/export/opd.csv", headers=auth("gubernur")))
        assert rows[0] == ["Id OPD", "OPD", "Dataset", "Publik", "Privat"]
        assert rows[1:] == [[r["organization"], r["title"], str(r["datasets"]), str(r["public"]), str(r["private"])]
                            for r in expected.figures(ALL, {"dinas-pu"})["tables"]["opd"]]

    def test_opd_export_is_limited_to_the_subtree(self, app: Any, leaders: World) -> None:
        rows = read_csv(app.get("/dashboard-pimpinan/upt-labkes/export/kelengkapan.csv", headers=auth("kadis_kes")))
        assert [r[0] for r in rows[1:]] == ["balai-kes", "upt-labkes"]

    @pytest.mark.parametrize(("user", "url", "status"), [
        ("kadis_kes", "/dashboard-pimpinan/dinas-pu/export/opd.csv", 403),
        ("admin_kes", "/dashboard-pimpinan/export/opd.csv", 200),
        ("admin_kes", "/dashboard-pimpinan/upt-labkes/export/terlambat.csv", 403),
        ("orang_biasa", "/dashboard-pimpinan/export/opd.csv", 403),
        ("gubernur", "/dashboard-pimpinan/export/rahasia.csv", 404),
        ("gubernur", "/dashboard-pimpinan/tidak-ada/export/opd.csv", 404),
        ("gubernur", "/dashboard-pimpinan/export/opd.csv?start=kemarin", 400),
    ])
    def test_export_refusals(self, app: Any, leaders: World, user: str, url: str, status: int) -> None:
        response = app.get(url, headers=auth(user), status=status)
        if status != 200:
            assert not response.headers["Content-Type"].startswith("text/csv")

    def test_formulas_are_neutralised(self, app: Any, leaders: World) -> None:
        helpers.call_action("organization_patch", {"user": "sysadmin_dash"}, id="bappeda", title="=HYPERLINK(1)")
        rows = read_csv(app.get("/dashboard-pimpinan/export/opd.csv", headers=auth("gubernur")))
        assert ["bappeda", "'=HYPERLINK(1)", "0", "0", "0"] in rows


@pytest.mark.ckan_config("ckanext.bantensatudata.api.ratelimit.login", "0")  # many logins from one test IP
class TestAccessAdmin:
    """Browser sessions throughout: CKAN exempts views reached with an API token from CSRF for good."""

    URL = "/ckan-admin/dashboard-pimpinan"

    def test_only_sysadmins(self, app: Any, leaders: World) -> None:
        assert app.get(self.URL, follow_redirects=False).status_code == 302
        login(app, "gubernur")
        app.get(self.URL, status=403)

    def test_admin_of_an_opd_is_refused(self, app: Any, leaders: World) -> None:
        login(app, "admin_kes")
        app.get(self.URL, status=403)

    def test_lists_grants_and_audit(self, app: Any, leaders: World) -> None:
        login(app, "sysadmin_dash")
        page = soup(app.get(self.URL, status=200))
        rows = page.select('table[data-table="grants"] tbody tr')
        assert sorted(r.select("td")[0].select_one("small").text for r in rows) == ["(gubernur)", "(kadis_kes)"]
        assert len(page.select('table[data-table="audit"] tbody tr')) == 2

    def test_grant_and_revoke_through_the_page(self, app: Any, leaders: World) -> None:
        login(app, "sysadmin_dash")
        token = csrf_token(app, self.URL)
        response = app.post(self.URL, follow_redirects=False, data={
            "_csrf_token": token, "user": "admin_kes", "level": "opd", "organization": "dinas-pu"})
        assert response.status_code == 302
        uid = model.User.get("admin_kes").id
        grants = access.list_grants(user_id=uid)
        assert [(g["organization_name"], g["source"], g["granted_by"]) for g in grants] == [
            ("dinas-pu", "admin", "sysadmin_dash")]
        response = app.post(f"{self.URL}/revoke", follow_redirects=False, data={
            "_csrf_token": token, "user": "admin_kes", "level": "opd", "organization": "dinas-pu",
            "source": "admin"})
        assert response.status_code == 302
        assert access.list_grants(user_id=uid) == []
        assert [a["action"] for a in access.audit_log(uid)] == ["revoke", "grant"]

    def test_bad_grant_shows_the_error_at_the_field(self, app: Any, leaders: World) -> None:
        login(app, "sysadmin_dash")
        response = app.post(self.URL, status=400, data={
            "_csrf_token": csrf_token(app, self.URL), "user": "admin_kes", "level": "opd", "organization": ""})
        error = soup(response).select_one("#bsd-organization-error")
        assert error is not None and error.text.strip() == "Akses tingkat OPD memerlukan OPD"
        assert len(access.list_grants()) == 2

    def test_post_without_csrf_token_is_refused(self, app: Any, leaders: World) -> None:
        # CKAN exempts a view from CSRF for the rest of the process once an anonymous or
        # token request reaches it: the anonymous visit below must not open the door.
        app.get(self.URL, follow_redirects=False)
        app.post(self.URL, data={}, follow_redirects=False)
        login(app, "sysadmin_dash")
        response = app.post(self.URL, data={"user": "admin_kes", "level": "provinsi"})
        assert response.status_code == 400
        response = app.post(f"{self.URL}/revoke", data={"user": "gubernur"})
        assert response.status_code == 400
        assert len(access.list_grants()) == 2

    def test_non_sysadmin_cannot_post(self, app: Any, leaders: World) -> None:
        login(app, "gubernur")
        token = csrf_token(app, "/dashboard-pimpinan")
        app.post(self.URL, status=403, data={"_csrf_token": token, "user": "gubernur", "level": "provinsi"})
        app.post(f"{self.URL}/revoke", status=403, data={"_csrf_token": token, "user": "kadis_kes"})
        assert len(access.list_grants()) == 2
