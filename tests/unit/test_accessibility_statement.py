"""The accessibility statement's feedback contact: a link when configured, an honest notice when not."""

from __future__ import annotations

from assistant.api.accessibility import statement_html


def test_an_e_mail_contact_becomes_a_mailto_link_in_both_languages():
    page = statement_html("barrierefreiheit@amt.example")
    assert page.count('<a href="mailto:barrierefreiheit@amt.example">barrierefreiheit@amt.example</a>') == 2


def test_a_url_contact_is_linked_as_it_is_and_escaped():
    page = statement_html('https://amt.example/kontakt?a=1&b="x"')
    assert 'href="https://amt.example/kontakt?a=1&amp;b=&quot;x&quot;"' in page
    assert '"x"</a>' not in page


def test_without_a_contact_the_page_says_which_setting_is_missing():
    page = statement_html("  ")
    assert "mailto:" not in page
    assert page.count("ASSISTANT_ACCESSIBILITY_CONTACT") == 2
    assert page.startswith("<!DOCTYPE html>") and '<html lang="de">' in page
