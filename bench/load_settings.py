"""The production settings, plus the bare-list route bench/load.py compares the directory with."""

from marketplace.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
