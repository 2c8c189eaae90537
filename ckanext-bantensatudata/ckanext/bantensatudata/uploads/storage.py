"""Where resource files live, and how a new one gets there without ever being half written.

The file takes three steps:

1. **spool** (in the uploader's constructor, before the dataset is validated
   or saved): the incoming stream is copied in chunks into
   ``<root>/.incoming/``, counting bytes and stopping at the size limit, then
   checked by :mod:`.detect`.  A rejection deletes the spool file and raises
   ``ValidationError`` before CKAN has touched the database.
2. **stage** (``upload(id)``, called by ``package_update`` after the flush):
   the spool file is fsync'ed and registered against the current database
   transaction.
3. **publish** (the transaction's *root commit*): ``os.replace`` moves it onto
   ``<root>/<id[:3]>/<id[3:6]>/<id[6:]>`` atomically, then the directory is
   fsync'ed.  If the transaction rolls back instead (a later validator, the
   search index, a crash), the spool file is deleted and the previous file,
   like the previous metadata, stays as it was.

Nothing in ``.incoming`` is ever served: downloads read only the published path
of a resource id.  The layout is core's, so files written before this plugin
(or by core) remain downloadable.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import logging
import mimetypes
import os
import re
import tempfile
import time
import weakref
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urlparse

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.exceptions import CkanConfigurationException
from ckan.lib import files
from werkzeug.datastructures import FileStorage

from . import config as upload_config
from . import detect, messages

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
INCOMING = ".incoming"
#: spool files older than this were left by a killed process (never served; they only take space)
STALE_AFTER = 24 * 3600
_last_sweep: dict[str, float] = {}
_ID = re.compile(r"^[A-Za-z0-9_-]{7,100}$")
#: file-keeper adapters that keep files on the local file system under settings.path
_FS_ADAPTERS = ("ckan:fs", "ckan:fs:public", "file_keeper:fs")


# --- the store --------------------------------------------------------------------

class ResourceStore:
    """Resource files on the local file system, in core's ``abc/def/ghi...`` layout."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)

    @classmethod
    def from_config(cls) -> ResourceStore | None:
        """The configured resource storage: a ``ckan.files`` FS storage, else ``ckan.storage_path``/resources."""
        name = tk.config.get("ckan.files.default_storages.resource") or "resources"
        try:
            storage = files.get_storage(name)
        except files.exc.UnknownStorageError:
            storage = None
        if storage is not None:
            settings = storage.settings
            if getattr(settings, "type", "") not in _FS_ADAPTERS or not getattr(settings, "path", ""):
                raise CkanConfigurationException(
                    f"bantensatudata_uploads keeps resource files on the local file system; storage {name!r} "
                    f"uses adapter {getattr(settings, 'type', '?')!r}"
                )
            return cls(str(settings.path))
        path = tk.config.get("ckan.storage_path")
        if not path:
            return None
        return cls(os.path.join(path, "resources"))

    def path_for(self, resource_id: str) -> str:
        if not _ID.match(resource_id or ""):
            raise tk.ValidationError({"upload": ["Invalid storage path"]})
        path = os.path.join(self.root, resource_id[0:3], resource_id[3:6], resource_id[6:])
        if os.path.dirname(os.path.dirname(os.path.dirname(path))) != self.root:
            raise tk.ValidationError({"upload": ["Invalid storage path"]})
        return path

    @property
    def incoming(self) -> str:
        return os.path.join(self.root, INCOMING)

    def spool(self, stream: IO[bytes], max_size: int) -> Spool:
        """Copy ``stream`` into a private file, stopping as soon as it passes ``max_size``."""
        os.makedirs(self.incoming, exist_ok=True)
        self.sweep()
        fd, path = tempfile.mkstemp(prefix="upload-", dir=self.incoming)
        spool = Spool(path)
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                stream.seek(0)
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    if len(head) < 8192:
                        head += chunk[: 8192 - len(head)]
                    size += len(chunk)
                    if size > max_size:
                        raise TooLarge(size, head)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            spool.discard()
            raise
        spool.size = size
        spool.sha256 = digest.hexdigest()
        return spool

    def sweep(self, every: float = 3600) -> None:
        """Remove day-old spool files, at most once per ``every`` seconds per process."""
        now = time.time()
        if now - _last_sweep.get(self.root, 0) < every:
            return
        _last_sweep[self.root] = now
        with contextlib.suppress(OSError), os.scandir(self.incoming) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.is_file() and now - entry.stat().st_mtime > STALE_AFTER:
                        os.remove(entry.path)

    def publish(self, spool: Spool, resource_id: str) -> None:
        """Atomically put the spooled file in place of the resource's file."""
        target = self.path_for(resource_id)
        directory = os.path.dirname(target)
        os.makedirs(directory, exist_ok=True)
        os.replace(spool.path, target)
        spool.published = True
        _fsync_dir(directory)

    def remove(self, resource_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.path_for(resource_id))


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TooLarge(Exception):
    """The stream passed the limit after ``size`` bytes; ``head`` says what it looked like."""

    def __init__(self, size: int, head: bytes = b"") -> None:
        super().__init__(size)
        self.size = size
        self.head = head


@dataclasses.dataclass(eq=False)
class Spool:
    """A complete, checked upload waiting in ``.incoming`` for its transaction to commit."""

    path: str
    size: int = 0
    sha256: str = ""
    published: bool = False

    def __post_init__(self) -> None:
        # the last safety net: an uploader dropped without commit or rollback still cleans up
        self._finalizer = weakref.finalize(self, _unlink, self.path)

    def discard(self) -> None:
        if not self.published:
            _unlink(self.path)
        self._finalizer.detach()


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


# --- tying file operations to the database transaction ------------------------------

_PENDING = "bantensatudata_uploads_pending"


@dataclasses.dataclass(eq=False)
class _Pending:
    publish: Callable[[], None]
    discard: Callable[[], None]
    owner: Any  # innermost SAVEPOINT transaction when staged, or None for the root


def defer_to_commit(publish: Callable[[], None], discard: Callable[[], None]) -> None:
    """Run ``publish`` when the current transaction commits at the root, ``discard`` if it does not."""
    install_transaction_hooks()
    session = model.Session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(_PENDING, []).append(
        _Pending(publish, discard, session.get_nested_transaction())
    )


def _after_commit(session: Any) -> None:
    pending: list[_Pending] = session.info.get(_PENDING) or []
    nested = session.get_nested_transaction()
    if nested is not None:
        # a SAVEPOINT was released: its work now belongs to the enclosing transaction
        parent = nested.parent if nested.parent is not None and nested.parent.nested else None
        for item in pending:
            if item.owner is nested:
                item.owner = parent
        return
    session.info.pop(_PENDING, None)
    for item in pending:
        try:
            item.publish()
        except Exception:  # the database has committed: report loudly, keep going
            log.exception("bantensatudata_uploads: could not publish a committed upload")
            item.discard()


def _after_soft_rollback(session: Any, previous_transaction: Any) -> None:
    pending: list[_Pending] = session.info.get(_PENDING) or []
    if not pending:
        return
    if previous_transaction.nested:
        keep = [item for item in pending if item.owner is not previous_transaction]
        dropped = [item for item in pending if item.owner is previous_transaction]
    else:
        keep, dropped = [], pending
    session.info[_PENDING] = keep
    for item in dropped:
        item.discard()


def _after_transaction_end(session: Any, transaction: Any) -> None:
    if transaction.parent is None and session.info.get(_PENDING):
        for item in session.info.pop(_PENDING):
            item.discard()


def install_transaction_hooks() -> None:
    """Listen on CKAN's session factory (idempotent)."""
    target = model.Session
    for name, fn in (
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_soft_rollback),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not sa.event.contains(target, name, fn):
            sa.event.listen(target, name, fn)


# --- the uploader CKAN calls (IUploader.get_resource_uploader) ----------------------

class ResourceUpload:
    """Checked resource uploads through CKAN's own pipeline (``package_update`` and the download view).

    Implements core's resource uploader protocol: ``__init__(resource)``,
    ``upload(id, max_size)``, ``get_path(id)``, ``get_directory(id)`` and the
    ``filename``/``mimetype``/``filesize`` attributes.
    """

    def __init__(self, resource: dict[str, Any]) -> None:
        self.store = ResourceStore.from_config()
        self.filename: str | None = None
        self.mimetype: str | None = None
        self.filesize = 0
        self._spool: Spool | None = None
        upload = resource.pop("upload", None)
        self.clear = resource.pop("clear_upload", None)

        if isinstance(upload, FileStorage) and upload.filename:
            if self.store is None:
                raise tk.ValidationError({"upload": [messages.uploads_disabled()]})
            self._receive(resource, upload)
        elif upload and not isinstance(upload, FileStorage | str):
            raise tk.ValidationError({"upload": [messages.not_a_file()]})
        elif self.clear:
            resource["url_type"] = ""

        url = resource.get("url")
        if (
            not self.mimetype
            and url
            and tk.config.get("ckan.mimetype_guess") == "file_ext"
            and urlparse(url).path
        ):
            self.mimetype = mimetypes.guess_type(url)[0]

    def _receive(self, resource: dict[str, Any], upload: FileStorage) -> None:
        try:
            self._check_and_spool(resource, upload)
        except tk.ValidationError:
            if not resource.get("id"):
                # a new resource has no stored file: let the re-rendered form offer a fresh choice
                resource["url_type"] = ""
            raise

    def _check_and_spool(self, resource: dict[str, Any], upload: FileStorage) -> None:
        allowed = upload_config.allowed_formats()
        limit = upload_config.max_size()
        raw_name = upload.filename or ""
        try:
            name = detect.clean_name(raw_name)
        except detect.Rejected as err:
            raise tk.ValidationError({"upload": [messages.rejection(err, raw_name, allowed, limit)]}) from None
        assert self.store is not None
        try:
            spool = self.store.spool(upload.stream, limit)
        except TooLarge as err:
            rejected = detect.Rejected("too_large", detect.sniff_buffer(err.head))
            raise tk.ValidationError({"upload": [messages.rejection(rejected, name, allowed, limit)]}) from None
        finally:
            with contextlib.suppress(Exception):
                upload.stream.close()
        try:
            found = detect.detect(
                spool.path, name, allowed, declared_charset=upload.mimetype_params.get("charset"), size=spool.size
            )
        except detect.Rejected as err:
            spool.discard()
            raise tk.ValidationError({"upload": [messages.rejection(err, name, allowed, limit)]}) from None
        except BaseException:
            spool.discard()
            raise
        self._spool = spool
        self.filename = name
        self.mimetype = found.mimetype
        self.filesize = spool.size
        resource["url"] = name
        resource["url_type"] = "upload"
        resource["format"] = found.format
        resource["mimetype"] = found.mimetype
        resource["size"] = spool.size
        resource["hash"] = spool.sha256
        resource["last_modified"] = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)

    # core's protocol ------------------------------------------------------------------
    def get_directory(self, id: str) -> str:
        return os.path.dirname(self.get_path(id))

    def get_path(self, id: str) -> str:
        if self.store is None:
            raise TypeError("storage_path is not defined")
        return self.store.path_for(id)

    def upload(self, id: str, max_size: int = 10) -> None:
        """Stage the checked file; it is published when the transaction commits (see module doc)."""
        if self.store is None:
            return
        store = self.store
        if self._spool is not None:
            spool = self._spool
            store.path_for(id)  # refuse a bad id now, while the transaction can still fail
            self._spool = None
            defer_to_commit(lambda: store.publish(spool, id), spool.discard)
        elif self.clear:
            defer_to_commit(lambda: store.remove(id), lambda: None)
