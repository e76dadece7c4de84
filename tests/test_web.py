"""Start page and health check without a browser."""


def test_home_page_is_dutch_by_default(client, demo_org):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Klanttevredenheid" in html and "Gemeente Voorbeeld" in html
    assert "Set-Cookie" not in page.headers


def test_home_page_in_english(client, demo_org):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Customer satisfaction" in html
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html


def test_health(client, app):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["worker_running"] is False
