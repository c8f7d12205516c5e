"""Settings read the environment strictly: a bad value is refused with a clear message."""

import pytest

from jiayuan.env import EnvError, env_bool, env_int, env_list, env_str


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


def test_production_settings_refuse_missing_secret_key(tmp_path):
    import subprocess
    import sys

    # A var/ of its own: the checkout's may hold the demo's demo.env (DEBUG=1) after `make demo`.
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "jiayuan.settings",
        "JIAYUAN_VAR_DIR": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert proc.returncode != 0 and "SECRET_KEY" in proc.stderr


def test_env_file_is_read_like_systemd_and_the_environment_wins(tmp_path, monkeypatch):
    from jiayuan.env import load_env_file

    path = tmp_path / "demo.env"
    path.write_text("# the demo\n\nX_ONE=1\nX_TWO='two words'\nX_THREE=from-file\n")
    monkeypatch.setenv("X_THREE", "from-environment")
    for name in ("X_ONE", "X_TWO"):  # unset now, and unset again after the test (the file sets them)
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)

    assert load_env_file(path) is True
    assert (env_str("X_ONE"), env_str("X_TWO"), env_str("X_THREE")) == ("1", "two words", "from-environment")
    assert load_env_file(tmp_path / "missing.env") is False


def test_env_file_refuses_a_line_that_is_not_name_equals_value(tmp_path):
    from jiayuan.env import read_env_file

    path = tmp_path / "demo.env"
    path.write_text("DEBUG=1\nexport SECRET_KEY\n")
    with pytest.raises(EnvError, match=r"demo\.env, line 2: expected NAME=value"):
        read_env_file(path)
