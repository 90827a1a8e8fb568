"""The web app: pages to read the stored stories, and a JSON API over the same library.

``create_app(store_path_or_library, token=...)`` builds a FastAPI app; ``newsweave serve``
runs it with uvicorn. Needs the ``web`` extra (``pip install 'newsweave[web]'``).
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
