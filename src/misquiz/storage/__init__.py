"""Storage: the only package that speaks SQL, behind the Store protocol."""

from misquiz.storage.protocol import Store, StoreError, default_db_path, open_store, read_room, utc_now

__all__ = ["Store", "StoreError", "default_db_path", "open_store", "read_room", "utc_now"]
