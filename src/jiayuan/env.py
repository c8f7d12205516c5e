"""Strict readers for settings from the environment: a bad value stops start-up with a clear message."""

import os


class EnvError(ValueError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"{name} must be true/false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise EnvError(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name} must be >= {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_env_file(path) -> dict[str, str]:
    """``KEY=VALUE`` lines (``#`` comments and blank lines ignored, optional quotes around the value), as
    systemd's ``EnvironmentFile`` and ``set -a; . file`` read them. A line that is not one is refused."""
    values: dict[str, str] = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition("=")
            key = key.strip()
            if not sep or not key.isidentifier():
                raise EnvError(f"{path}, line {number}: expected NAME=value")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            values[key] = value
    return values


def load_env_file(path) -> bool:
    """Read ``path`` (when it exists) into the environment; variables already set win over the file."""
    try:
        values = read_env_file(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise EnvError(f"cannot read {path}: {exc.strerror}") from None
    for key, value in values.items():
        os.environ.setdefault(key, value)
    return True
