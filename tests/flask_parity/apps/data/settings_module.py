"""Imported by name through ``app.config.from_object("...")``."""

MODULE_KEY = "from a module"
module_lower = "ignored"


class ProductionConfig:
    """A config class: only its UPPER-case attributes are taken."""

    DEBUG = False
    DATABASE_URI = "postgresql://prod"
    lower = "ignored"


class DevelopmentConfig(ProductionConfig):
    DEBUG = True
    DATABASE_URI = "sqlite://"

    @property
    def COMPUTED(self):  # noqa: N802 - a config name
        return "only on instances"
