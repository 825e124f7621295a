from tests.figures.world import figures_world  # noqa: F401  (the module-scoped fixture)
