"""Access to the data files shipped inside the package."""

from importlib import resources
from pathlib import Path


def data_path(*parts: str) -> Path:
    """Path of a packaged data file (kkb_excel/data/...)."""
    return Path(str(resources.files("kkb_excel").joinpath("data", *parts)))
