"""Settings read the environment strictly: a bad value is refused with a clear message."""

import pytest

from jiayuan.env import EnvError, env_bool, env_int, env_list


def test_env_bool_accepts_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(EnvError, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_bounds(monkeypatch):
    monkeypatch.setenv("X_N", "-1")
    with pytest.raises(EnvError):
        env_int("X_N", 5, minimum=0)
    monkeypatch.setenv("X_N", "abc")
    with pytest.raises(EnvError):
        env_int("X_N", 5)


def test_env_list_splits_and_strips(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


def test_production_settings_refuse_missing_secret_key():
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "jiayuan.settings"}
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0 and "SECRET_KEY" in proc.stderr
