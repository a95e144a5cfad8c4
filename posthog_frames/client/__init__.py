"""The client: every verb an analyst calls, and ``connect()`` for a notebook's first cell.

- :mod:`.client`: the :class:`Client` class, each verb handing over to a resource module;
- :mod:`.base`: settings, the transport and the low-level ``get``/``post``/``paginate``;
- resources: :mod:`.persons` (REST and HogQL paths), :mod:`.insights`, :mod:`.query`,
  :mod:`.parquet`, :mod:`.properties` (definitions, values, hints), :mod:`.account`;
- :mod:`.hogql`: the HogQL text this library writes (pure);
- :mod:`.notebook`: ``connect()``, your project when a key is at hand, else the demo.
"""

from posthog_frames.client.client import Client
from posthog_frames.client.notebook import connect
from posthog_frames.client.parquet import StreamResult

__all__ = ["Client", "StreamResult", "connect"]
