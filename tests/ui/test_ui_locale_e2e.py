"""The page speaks the host's language (issue 19, item 14): a real Chromium (fixtures of
test_ui_e2e.py) on the session's Open WebUI. Open WebUI keeps its language in
localStorage.locale ('en-US', 'zh-CN', ...); the page follows it as it follows the host's token and
theme, its own switcher writes it back (so the host follows the page), and its old key
`google-video.lang` counts only while the host's is absent.

The browser's own language is English throughout, so Chinese can only come from the keys.
Every step waits for what a person would see (a tab's label), never a fixed sleep."""


import pytest


# The page's language does not depend on the database: one is enough.
pytestmark = pytest.mark.usefixtures("one_database")

from playwright.sync_api import Page, expect  # noqa: E402


def storage(page: Page, key: str):
    return page.evaluate("k => localStorage.getItem(k)", key)


def reload_with(page: Page, items: dict) -> None:
    """Sets (str) or removes (None) localStorage items, then loads the page again."""
    page.evaluate("items => { for (const [k, v] of Object.entries(items)) v === null ? localStorage.removeItem(k)"
                  " : localStorage.setItem(k, v); }", items)
    page.reload()


def expect_chinese(page: Page) -> None:
    expect(page.get_by_role("tab", name="创作")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#lang-select")).to_have_value("zh")


def expect_english(page: Page) -> None:
    expect(page.get_by_role("tab", name="Studio")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-select")).to_have_value("en")


def test_the_page_follows_the_hosts_locale_and_writes_it_back(open_ui, user):
    page = open_ui(user)  # a browser in English, no language stored yet
    expect_english(page)

    # The host says Chinese: the page is in Chinese, whatever its own old key says.
    reload_with(page, {"locale": "zh-CN", "google-video.lang": "en"})
    expect_chinese(page)
    expect(page.get_by_role("link", name="返回聊天")).to_be_visible()

    # Switched to English in the page: the host's key says so too, and a reload keeps it.
    page.locator("#lang-select").select_option("en")
    expect_english(page)
    assert storage(page, "locale") == "en-US"
    page.reload()
    expect_english(page)

    # The host's language changed in another tab (e.g. its settings): this tab follows at once.
    other = page.context.new_page()
    other.goto(page.url)
    other.evaluate("localStorage.setItem('locale', 'zh-TW')")
    expect_chinese(page)
    other.close()
    assert storage(page, "locale") == "zh-TW"  # following it wrote nothing
    # And back and forth in the page: the host's key follows each choice.
    page.locator("#lang-select").select_option("en")
    expect_english(page)
    assert storage(page, "locale") == "en-US"
    page.locator("#lang-select").select_option("zh")
    expect_chinese(page)
    assert storage(page, "locale") == "zh-CN"


def test_the_pages_old_key_counts_only_while_the_hosts_is_absent(open_ui, user):
    page = open_ui(user)
    reload_with(page, {"locale": None, "google-video.lang": "zh"})
    expect_chinese(page)
    # Any choice in the page goes to the host's key; the old one is gone.
    page.locator("#lang-select").select_option("en")
    expect_english(page)
    assert storage(page, "locale") == "en-US" and storage(page, "google-video.lang") is None
    # A locale the page has no dictionary for shows it in English, and is left as the host set it.
    reload_with(page, {"locale": "fr-FR"})
    expect_english(page)
    assert storage(page, "locale") == "fr-FR"
