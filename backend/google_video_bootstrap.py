"""What the loader and the tests share: make `open_webui.*` resolve to this repository's module
files (exactly where a fork would put them), and run the module's own migrations."""

from pathlib import Path

MODULE_ROOT = Path(__file__).resolve().parent / "open_webui"


def extend_package_path() -> None:
    import open_webui

    if str(MODULE_ROOT) not in open_webui.__path__:
        open_webui.__path__.append(str(MODULE_ROOT))


def run_module_migrations() -> None:
    """Upgrade the module's tables (own version table); the host's database must be importable."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MODULE_ROOT / "migrations" / "google_video"))
    command.upgrade(cfg, "head")
