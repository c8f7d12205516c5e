"""zh-Hans is the default language whatever the browser says; the switch sets English."""


def test_login_page_is_chinese_even_for_an_english_browser(client, db):
    resp = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert resp.status_code == 200
    assert resp.headers["Content-Language"] == "zh-hans"


def test_language_switch_sets_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    resp = client.get("/login/")
    assert resp.headers["Content-Language"] == "en"
