"""Set up kkb-excel on a fresh machine and run it: `python3 bootstrap.py demo` or `python3 bootstrap.py test`.

Works the same on Windows (`py bootstrap.py ...`), Debian/Ubuntu (where the system pip refuses
installs outside a virtual environment) and macOS: it creates `.venv/` beside this file when
needed, installs kkb-excel into it, then runs the demo or the test suite with that interpreter.
`test` also installs LibreOffice when it is missing and the machine allows it (apt on
Debian/Ubuntu, winget on Windows); tests that need LibreOffice are skipped without it, unless
KKB_REQUIRE_LIBREOFFICE=1 (CI).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# Carlito and Liberation: metric-compatible with Calibri/Arial, so printed pages match Excel's.
APT_PACKAGES = ["libreoffice-calc-nogui", "python3-uno", "fonts-crosextra-carlito", "fonts-liberation2"]


def say(text: str) -> None:
    print(f"[bootstrap] {text}", flush=True)


def run(command: list[str], **kwargs) -> None:
    say(" ".join(str(c) for c in command))
    subprocess.run(command, check=True, **kwargs)


def venv_python() -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return VENV / folder / ("python.exe" if os.name == "nt" else "python")


def in_virtualenv() -> bool:
    return sys.prefix != getattr(sys, "base_prefix", sys.prefix)


def as_root(command: list[str]) -> list[str]:
    if os.name == "nt" or os.geteuid() == 0:
        return command
    if shutil.which("sudo"):
        return ["sudo", *command]
    raise SystemExit(f"Perlu hak root untuk: {' '.join(command)}")


def ensure_venv() -> Path:
    """The interpreter to install into: the active virtualenv, or .venv/ (created once)."""
    if in_virtualenv():
        return Path(sys.executable)
    python = venv_python()
    if not python.exists():
        say(f"membuat lingkungan virtual {VENV}")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception:  # Debian/Ubuntu without python3-venv: install it, then try again
            if not shutil.which("apt-get"):
                raise
            shutil.rmtree(VENV, ignore_errors=True)
            version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
            run(as_root(["apt-get", "install", "-y", "-q", "python3-venv", version]))
            venv.EnvBuilder(with_pip=True).create(VENV)
    return python


def install(python: Path, extras: str = "") -> None:
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", target])


def has_libreoffice() -> bool:
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return False
    if platform.system() == "Linux":  # the UNO fill tests drive LibreOffice from the system python3
        probe = subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True)
        fonts = shutil.which("fc-list") and subprocess.run(["fc-list", "Carlito"], capture_output=True, text=True).stdout.strip()
        return probe.returncode == 0 and bool(fonts)
    return True


def ensure_libreoffice() -> None:
    if has_libreoffice():
        return
    try:
        if platform.system() == "Linux" and shutil.which("apt-get"):
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            run(as_root(["apt-get", "update", "-q"]), env=env)
            run(as_root(["apt-get", "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES]), env=env)
        elif os.name == "nt" and shutil.which("winget"):
            run(["winget", "install", "-e", "--id", "TheDocumentFoundation.LibreOffice", "--silent"])
        else:
            say("LibreOffice tidak ditemukan; uji yang memerlukannya akan dilewati.")
    except (subprocess.CalledProcessError, SystemExit) as exc:
        if os.environ.get("KKB_REQUIRE_LIBREOFFICE") == "1":
            raise
        say(f"LibreOffice tidak dapat dipasang ({exc}); uji yang memerlukannya akan dilewati.")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print("Pemakaian: python3 bootstrap.py demo [OPSI kkb-excel demo]  |  python3 bootstrap.py test [OPSI pytest]")
        return 2
    command, rest = argv[0], argv[1:]
    python = ensure_venv()
    if command == "demo":
        install(python)
        return subprocess.run([str(python), "-m", "kkb_excel", "demo", *rest], cwd=ROOT).returncode
    ensure_libreoffice()
    install(python, "test")
    lint = subprocess.run([str(python), "-m", "ruff", "check", "."], cwd=ROOT).returncode
    tests = subprocess.run([str(python), "-m", "pytest", "-q", *rest], cwd=ROOT).returncode
    return tests or lint


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
