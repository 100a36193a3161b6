"""Library exceptions. Each carries a complete message in Bahasa Indonesia for the user."""


class KkbError(Exception):
    """Base class: an input problem the user can fix."""


class UnknownWilayahError(KkbError):
    """A kode wilayah that is not in the Kemendagri reference."""


class UnknownIndicatorError(KkbError):
    """An indicator code that is not in the catalogue."""


class TargetFileError(KkbError):
    """A target file with rows that cannot be used; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("Berkas target tidak dapat dipakai:\n" + "\n".join(f"  - {p}" for p in problems))
