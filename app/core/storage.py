"""Files, stored by their content: a file's name is the SHA-256 of its bytes, under FILES_DIR
(instance/files by default; a shared volume serves several app servers). The same bytes are stored
once, a stored file never changes, and none is deleted – documents are archived, not removed.

Files are written and read in chunks, so a 50 MB upload or download does not grow a worker's memory
by its size.
"""

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 64 * 1024
HEAD = 8 * 1024  # what type detection reads


class TooLarge(Exception):
    pass


class StoredFile:
    def __init__(self, sha256: str, size: int, head: bytes):
        self.sha256, self.size, self.head = sha256, size, head


class FileStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def save(self, stream: BinaryIO, max_size: int, check=None) -> StoredFile:
        """Copy `stream` into the store in chunks; refuse it (TooLarge) beyond `max_size` bytes, or when
        `check(head)` raises – before it is stored: a refused file leaves nothing behind."""
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        fd, temp_name = tempfile.mkstemp(dir=incoming)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_size:
                        raise TooLarge()
                    if len(head) < HEAD:
                        head += chunk[:HEAD - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if check is not None:
                check(head)
            sha256 = digest.hexdigest()
            target = self.path(sha256)
            if target.exists():
                os.unlink(temp_name)  # the same bytes are stored already
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(temp_name, 0o640)
                os.replace(temp_name, target)  # atomic: a reader never sees half a file
        except BaseException:
            if os.path.exists(temp_name):
                os.unlink(temp_name)
            raise
        return StoredFile(sha256, size, head)

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def all_files(self):
        """Every stored file, as (sha256, path): for the backup."""
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file():
                yield path.name, path


def file_store() -> FileStore:
    root = current_app.config.get("FILES_DIR") or os.path.join(current_app.instance_path, "files")
    return FileStore(root)
