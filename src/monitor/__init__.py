"""A self-hosted news monitor for developments between the United States and Cuba."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
