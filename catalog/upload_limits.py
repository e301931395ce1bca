"""Refusing an oversize upload while it arrives, instead of spooling it to disk first.

A view installs `UploadSizeLimit` before the request body is parsed (Django's CSRF check
parses it, hence `csrf_exempt` + `csrf_protect` around such views). A file that passes
`settings.MAX_UPLOAD_MB` is skipped: the rest of its bytes are read and dropped, and
`oversize_files(request)` names it so the form can say why it is missing.
"""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from catalog.uploads import max_upload_bytes


class UploadSizeLimit(FileUploadHandler):
    """First in the handler chain: counts each file's bytes and skips it past the limit."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.oversize: dict[str, str] = {}

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.oversize[self.field_name] = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler in the chain builds the file


def limit_upload_size(request) -> None:
    """Install the limit on a Django request whose body has not been parsed yet."""
    request.upload_handlers.insert(0, UploadSizeLimit(request))


def oversize_files(request) -> dict[str, str]:
    """{field name: file name} of the files skipped for their size."""
    for handler in getattr(request, "upload_handlers", ()):
        if isinstance(handler, UploadSizeLimit):
            return handler.oversize
    return {}
