"""An upload handler that stops reading a file once it passes the import limit (so 50 MB never lands)."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitedUploadHandler(FileUploadHandler):
    """Put first: passes data through, and stops the upload when a file grows beyond `limit` bytes."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
