"""The standalone mock as a Python CI uses it: many workers, one tenant per test.

Run with several workers (``pytest -n 4``): every test works in its own tenant and checks
exact counts, so state leaking between tenants (or workers) fails it.
"""

import json
import pathlib
import tomllib
import urllib.parse

import pytest

from social_connect_mock.client import request

OWNER_KEY = "sk_test_owner"

SPECS = pathlib.Path(__file__).resolve().parents[2] / "specs"

# What the test sends at each vendor: its manifest's sample provider and first demo owner
# (specs/<vendor>/vendor.toml), in the fields its manifest names. Where to send it and how the key
# goes are the vendor's contract, read from specs/<vendor>/contract.json (what `cargo xtask
# codegen` read from the spec). Every vendor with a manifest is tested, a new one included.
def manifest(vendor):
    return tomllib.loads((SPECS / vendor / "vendor.toml").read_text())


def contract(vendor):
    return json.loads((SPECS / vendor / "contract.json").read_text())["contract"]


def send(vendor):
    """(body, owner in the query): the sample request's fields, placed as the contract says."""
    m, c = manifest(vendor), contract(vendor)
    query = {q["name"] for q in c["query"]}
    body_required = {p["name"] for p in (c.get("body") or {}).get("schema", {}).get("properties", []) if p.get("required")}
    required = {q["name"] for q in c["query"] if q["required"]} | body_required
    body, in_query = {}, None
    owner_field = m["connect"].get("owner")
    if owner_field in required:
        owner = m["mock"]["demo_owners"][0]["id"]
        if owner_field in query:
            in_query = owner
        else:
            body[owner_field] = owner
    body[m["connect"]["provider"]] = m["mock"]["sample_provider"]
    return body, in_query


VENDORS = sorted(p.parent.name for p in SPECS.glob("*/vendor.toml"))
SEND = {vendor: send(vendor) for vendor in VENDORS}


def connect_path(vendor):
    """The connect path, with the fixture's owner in the required query parameter, if any."""
    c = contract(vendor)
    owner = SEND[vendor][1]
    required = [q["name"] for q in c["query"] if q["required"]]
    query = urllib.parse.urlencode({name: owner for name in required})
    return c["path"] + ("?" + query if query else "")


def auth_header(vendor, key):
    scheme = contract(vendor)["auth"][0]
    if scheme["kind"] == "bearer":
        return {"authorization": f"Bearer {key}"}
    return {scheme["name"]: key}


def connect(tenant, vendor, key=OWNER_KEY, **extra):
    body = SEND[vendor][0]
    return request("POST", tenant.base_url(vendor) + connect_path(vendor), {**body, **extra}, auth_header(vendor, key))


def first_url(value):
    """The first absolute http(s) URL in a JSON answer: the link a connect returns."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return value
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        found = first_url(child)
        if found:
            return found
    return None


def link_of(vendor, response):
    assert response.status in (200, 201), response.text
    link = first_url(response.json())
    assert link, response.text
    return link


def fixture_accounts(tenant):
    return len(tenant.accounts())


@pytest.mark.parametrize("round_", range(3))
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_connect_followed_hop_by_hop_connects_one_account_in_its_tenant(mock_tenant, vendor, round_):
    before = fixture_accounts(mock_tenant)
    link = link_of(vendor, connect(mock_tenant, vendor))
    assert link.startswith(mock_tenant.origin + "/"), link
    flow = mock_tenant.follow(link)
    assert all(h.startswith(mock_tenant.origin + "/") for h in flow.hops), flow.hops
    assert any("/__vendor/" in h for h in flow.hops), flow.hops
    assert flow.status == 200, flow.text
    mine = mock_tenant.accounts(vendor)
    assert len(mock_tenant.accounts()) == before + 1
    assert mine[-1]["vendor"] == vendor
    # The tenant's log holds its own requests, and only those.
    paths = [r["path"] for r in mock_tenant.requests()]
    assert paths[0] == mock_tenant.base_url(vendor)[len(mock_tenant.origin):] + contract(vendor)["path"]
    assert len(paths) == 1 + len(flow.hops), paths


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_denied_consent_connects_nothing(mock_tenant, vendor):
    before = fixture_accounts(mock_tenant)
    flow = mock_tenant.follow(link_of(vendor, connect(mock_tenant, vendor)), decision="deny")
    assert flow.status in (200, 400), flow.text
    assert fixture_accounts(mock_tenant) == before


def test_woopsocial_sends_the_browser_back_with_the_pages_chosen(mock_tenant):
    before = fixture_accounts(mock_tenant)
    back = "https://app.example.com/connected?user=42"
    link = link_of(
        "woopsocial",
        connect(mock_tenant, "woopsocial", platform="FACEBOOK", redirectUrl=back),
    )
    flow = mock_tenant.follow(link, pages=["fbp_1001", "fbp_1002"])
    assert flow.redirect and flow.redirect.startswith(back + "&"), flow.redirect
    assert flow.params["status"] == "success"
    assert flow.params["user"] == "42"
    ids = flow.params["socialAccountIds"].split(",")
    assert len(ids) == 2
    assert fixture_accounts(mock_tenant) == before + 2
    denied = mock_tenant.follow(
        link_of("woopsocial", connect(mock_tenant, "woopsocial", platform="X", redirectUrl=back)),
        decision="deny",
    )
    assert denied.params["status"] == "error", denied.redirect


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_scenario_in_one_tenant_leaves_another_alone(social_connect_mock, mock_tenant, vendor):
    other = social_connect_mock.tenant()
    try:
        mock_tenant.set_scenario(vendor, {"kind": "server_error", "status": 503})
        assert connect(mock_tenant, vendor).status == 503
        link_of(vendor, connect(other, vendor))
        mock_tenant.clear_scenario(vendor)
        link_of(vendor, connect(mock_tenant, vendor))
    finally:
        other.drop()


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_failed_code_exchange_ends_where_the_vendor_says(mock_tenant, vendor):
    mock_tenant.set_scenario(vendor, {"kind": "exchange_fails"})
    before = fixture_accounts(mock_tenant)
    back = "https://app.example.com/back"
    extra = {"redirectUrl": back} if vendor == "woopsocial" else {}
    flow = mock_tenant.follow(link_of(vendor, connect(mock_tenant, vendor, **extra)))
    if vendor == "woopsocial":
        assert flow.params["status"] == "error", flow.redirect
        assert flow.params["error"] == "invalid_grant", flow.redirect
    else:
        # The vendor's page saying nothing was connected, naming the provider's error.
        assert flow.redirect is None
        assert flow.status == 200, flow.text
        assert "invalid_grant" in flow.text
    assert fixture_accounts(mock_tenant) == before


def test_a_reset_forgets_the_tenants_flows_and_accounts_only(social_connect_mock, mock_tenant):
    other = social_connect_mock.tenant()
    try:
        pending_elsewhere = link_of("postbreeze", connect(other, "postbreeze"))
        done = mock_tenant.follow(link_of("aitronos", connect(mock_tenant, "aitronos")))
        assert done.status == 200
        pending = link_of("postbreeze", connect(mock_tenant, "postbreeze"))
        before_reset = fixture_accounts(mock_tenant)
        mock_tenant.reset()
        assert fixture_accounts(mock_tenant) == before_reset - 1
        assert mock_tenant.follow(pending).status == 400
        assert [r["status"] for r in mock_tenant.requests()] == [400]
        # The other tenant's pending flow is still there.
        assert other.follow(pending_elsewhere).status == 200
    finally:
        other.drop()


def test_a_state_from_one_tenant_is_unknown_in_another(social_connect_mock, mock_tenant):
    other = social_connect_mock.tenant().create()
    try:
        link = link_of("ocoya", connect(mock_tenant, "ocoya"))
        moved = other.origin + link[len(mock_tenant.origin):]
        assert other.follow(moved).status == 400
        assert mock_tenant.follow(link).status == 200
    finally:
        other.drop()


def test_the_tenant_list_shows_this_tenant_with_its_sizes(social_connect_mock, mock_tenant):
    link_of("recoup", connect(mock_tenant, "recoup"))
    link_of("recoup", connect(mock_tenant, "recoup"))
    # Asked inside the tenant: the list of the mock that holds it, also behind a fleet's proxy.
    mine = mock_tenant.listed()
    assert mine["pending_flows"] == 2
    assert mine["requests"] == 2
    assert mock_tenant.drop() is True
    assert mock_tenant.listed() is None


@pytest.mark.parametrize(
    "tenant_id",
    ["x" * 65, "a.b", "a b", "ä", "a:b", ""],
)
def test_bad_tenant_ids_are_refused_with_a_400(social_connect_mock, tenant_id):
    url = social_connect_mock.origin + "/t/" + urllib.parse.quote(tenant_id) + "/__admin"
    r = request("GET", url)
    assert r.status == 400, r.text
    assert "invalid tenant id" in json.loads(r.text)["error"]


def test_the_longest_tenant_id_is_accepted(social_connect_mock):
    tenant = social_connect_mock.tenant("y" * 64).create()
    try:
        assert tenant.admin("GET")["pending_flows"] == 0
    finally:
        tenant.drop()


def test_a_plain_get_creates_no_tenant(social_connect_mock):
    # What any web page can send (an <img>, a link): never a new tenant, so never an eviction.
    tenant = social_connect_mock.tenant()
    for path in ["/__admin", "/__admin/accounts", "/", tenant.base_url("ocoya")[len(tenant.origin):]]:
        r = request("GET", tenant.origin + path)
        assert r.status == 404, (path, r.status, r.text)
    assert tenant.listed() is None
