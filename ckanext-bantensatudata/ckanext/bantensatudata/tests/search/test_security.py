"""Private, draft and deleted datasets never leak: randomized worlds, checked
against CKAN's own authorization (``package_show``) as an independent oracle."""
from __future__ import annotations

import random
from collections import Counter

import ckan.logic as logic
import ckan.model as model
import pytest
from ckan.tests import factories, helpers

WORD = "rahasia"


def _visible_to(user_name: str | None, dataset_ids: list[str]) -> set[str]:
    """Active datasets the user may read, by CKAN's auth functions (not by the index)."""
    visible = set()
    for pkg_id in dataset_ids:
        pkg = model.Package.get(pkg_id)
        if pkg.state != "active":
            continue
        context = {"user": user_name or "", "model": model}
        try:
            logic.check_access("package_show", context, {"id": pkg_id})
        except logic.NotAuthorized:
            continue
        visible.add(pkg_id)
    return visible


def _build_world(rng: random.Random):
    orgs = [factories.Organization() for _ in range(3)]
    groups = [factories.Group() for _ in range(2)]
    users = {
        "sysadmin": factories.Sysadmin(),
        "admin": factories.User(),
        "editor": factories.User(),
        "member": factories.User(),
        "collaborator": factories.User(),
        "outsider": factories.User(),
    }
    for role, org in (("admin", orgs[0]), ("editor", orgs[1]), ("member", orgs[2])):
        helpers.call_action("organization_member_create", id=org["id"],
                            username=users[role]["name"], role=role)
    datasets = []
    for i in range(18):
        org = rng.choice(orgs)
        state = rng.choice(["active", "active", "active", "draft", "deleted"])
        ds = factories.Dataset(
            name=f"ds-{i:02d}-{rng.randrange(10**6)}",
            title=f"Data {WORD} nomor {i}",
            owner_org=org["id"],
            private=rng.random() < 0.5,
            groups=[{"name": g["name"]} for g in groups if rng.random() < 0.5],
            tags=[{"name": rng.choice(["kesehatan", "jalan", "pajak"])}],
            state="draft" if state == "draft" else "active",
        )
        if state == "deleted":
            helpers.call_action("package_delete", id=ds["id"])
        datasets.append(ds)
    private_active = [d for d in datasets if d["private"] and model.Package.get(d["id"]).state == "active"]
    if private_active:
        helpers.call_action("package_collaborator_create", id=rng.choice(private_active)["id"],
                            user_id=users["collaborator"]["id"], capacity="member")
    return orgs, groups, users, [d["id"] for d in datasets]


@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", True)
@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("seed", [7, 1234, 987654])
def test_search_and_facets_never_show_what_the_user_cannot_read(seed):
    rng = random.Random(seed)
    _orgs, _groups, users, dataset_ids = _build_world(rng)
    for role, user in [("anonymous", None), *users.items()]:
        name = user["name"] if user else None
        expected = _visible_to(name, dataset_ids)
        context = {"user": name or "", "ignore_auth": False}
        result = helpers.call_action(
            "package_search", context=context, q=WORD, include_private=True, rows=1000,
            **{"facet.field": ["organization", "groups", "tags"], "facet.limit": -1})
        found = {r["id"] for r in result["results"]}
        assert found == expected, role
        assert result["count"] == len(expected), role
        expected_dicts = [helpers.call_action("package_show", id=i) for i in expected]
        want_orgs = Counter(d["organization"]["name"] for d in expected_dicts)
        want_groups = Counter(g["name"] for d in expected_dicts for g in d["groups"])
        want_tags = Counter(t["name"] for d in expected_dicts for t in d["tags"])
        assert result["facets"]["organization"] == dict(want_orgs), role
        assert result["facets"]["groups"] == dict(want_groups), role
        assert result["facets"]["tags"] == dict(want_tags), role
        completions = helpers.call_action("package_autocomplete", context=context, q=WORD, limit=100)
        visible_names = {model.Package.get(i).name for i in expected}
        assert {c["name"] for c in completions} <= visible_names, role


@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", True)
@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("seed", [11, 42])
def test_public_organization_and_group_counts_exclude_private_drafts_and_deleted(seed):
    rng = random.Random(seed)
    _orgs, _groups, _users, dataset_ids = _build_world(rng)
    public = _visible_to(None, dataset_ids)
    dicts = [helpers.call_action("package_show", id=i) for i in public]
    anon = {"user": "", "ignore_auth": False}
    for org in helpers.call_action("organization_list", context=anon, all_fields=True):
        want = sum(1 for d in dicts if d["owner_org"] == org["id"])
        assert org["package_count"] == want
    for group in helpers.call_action("group_list", context=anon, all_fields=True):
        want = sum(1 for d in dicts if group["name"] in {g["name"] for g in d["groups"]})
        assert group["package_count"] == want
