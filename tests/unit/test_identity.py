"""Who is asking: trusted header only from trusted proxies, then login name, key label, local user."""

from __future__ import annotations

import hashlib

from assistant.identity import LOCAL_USER, Identities

KEY, OTHER = "k-0123456789", "k-abcdef"
SSO = {"x-forwarded-user": "erika.mustermann"}


def identities(**kwargs) -> Identities:
    return Identities.build(True, {"fachbereich-3": KEY}, **kwargs)


def test_without_keys_everyone_is_the_one_local_user():
    assert Identities.build(False).resolve({}, "127.0.0.1") == LOCAL_USER


def test_an_api_client_is_its_key_label_or_a_hash_prefix_of_the_key():
    assert identities().resolve({}, "127.0.0.1", KEY) == "fachbereich-3"
    assert identities().resolve({}, "127.0.0.1", OTHER) == "key-" + hashlib.sha256(OTHER.encode()).hexdigest()[:12]
    assert OTHER not in identities().resolve({}, "127.0.0.1", OTHER)


def test_the_web_login_name_counts_before_the_key():
    assert identities().resolve({}, "127.0.0.1", KEY, login_name=" Anna ") == "Anna"


def test_the_trusted_header_counts_only_from_a_trusted_proxy():
    trusted = identities(trusted_header="X-Forwarded-User", trusted_proxies=["10.0.0.0/8", "192.168.1.5"])
    assert trusted.resolve(SSO, "10.2.3.4", KEY) == "erika.mustermann"
    assert trusted.resolve(SSO, "192.168.1.5", KEY, login_name="Anna") == "erika.mustermann"
    assert trusted.resolve(SSO, "192.168.1.6", KEY) == "fachbereich-3"  # anyone else could send the header
    assert trusted.resolve({}, "10.2.3.4", KEY) == "fachbereich-3"


def test_the_header_is_off_by_default_and_without_proxies():
    assert identities().resolve(SSO, "10.2.3.4", KEY) == "fachbereich-3"
    assert identities(trusted_header="X-Forwarded-User").resolve(SSO, "10.2.3.4", KEY) == "fachbereich-3"


def test_a_labelled_key_logs_in_to_the_web_under_its_label_only_and_no_key_under_a_label():
    """The login name decides whose conversations one sees: a colleague's key must not open them."""
    from assistant.api.auth import ApiKeys
    from assistant.server import _web_login

    check = _web_login(ApiKeys(reader=[KEY, OTHER]), identities())["auth"]

    assert check("fachbereich-3", KEY)
    assert check("Fachbereich-3 ", KEY)
    assert not check("erika", KEY)  # a labelled key has one name
    assert not check("fachbereich-3", OTHER)  # an unlabelled key cannot take a label
    assert check("erika", OTHER)
    assert not check("erika", "wrong-key")
    assert not check("  ", OTHER)
