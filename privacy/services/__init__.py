"""The privacy app's writes; views, admin, API and tasks all call these."""

from .access_log import access_record
from .erasure import erasure_request_answer, erasure_request_record, erasure_request_submit
from .exports import (
    data_export_build,
    data_export_download,
    data_export_request,
    data_exports_expire,
)
from .retention import legal_hold_place, legal_hold_release, retention_sweep

__all__ = [
    "access_record",
    "data_export_build",
    "data_export_download",
    "data_export_request",
    "data_exports_expire",
    "erasure_request_answer",
    "erasure_request_record",
    "erasure_request_submit",
    "legal_hold_place",
    "legal_hold_release",
    "retention_sweep",
]
