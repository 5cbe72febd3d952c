"""Uploads past ``SOURCE_MAX_BYTES`` are counted, not kept: a file of gigabytes does not fill
the disk before the form refuses it, and the form can still say how big it was."""

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for files too big to keep in memory, keeping at most
    ``SOURCE_MAX_BYTES + 1`` bytes of each; the file's ``size`` is still the size sent."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept = 0

    def receive_data_chunk(self, raw_data, start):
        room = settings.SOURCE_MAX_BYTES + 1 - self.kept
        if room > 0:
            self.file.write(raw_data[:room])
            self.kept += min(room, len(raw_data))
