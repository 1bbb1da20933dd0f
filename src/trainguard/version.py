"""The installed version of trainguard (the source tree reads 0.0.0 when not installed)."""

from importlib import metadata

try:
    __version__ = metadata.version("trainguard")
except metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
